//! `tapecoder permissions [--check]` (supervisors): the folder permissions that keep each coder's
//! work from the other coders, as a shell recipe (POSIX modes and `setfacl`), and a check of the
//! study folder as it is.
//!
//! Who may read what follows from the layout ([`audience`]): `coders/<id>/**` that coder and the
//! supervisors, `supervisor/**` the supervisors, everything else everyone in the study. Coder ids
//! map to OS users by `--user ID=OSUSER` (default: the same name).
//!
//! `--check` reads, for every path, its owner, group, mode bits and POSIX ACL (the
//! `system.posix_acl_access` attribute), and for every account in `/etc/passwd` (with its groups
//! from `/etc/group`) and for "anyone else" (the other bits) works out who can read it, counting a
//! path readable only when every folder from the study folder down lets that person through.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{GlobalArgs, PermissionsArgs};
use crate::ids::sanitize_for_terminal;
use crate::study::Study;
use crate::study::model::Role;

use super::context;

/// Who should be able to read a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Everyone in the study (coders and supervisors).
    Study,
    /// That coder and the supervisors.
    Coder(String),
    /// The supervisors only.
    Supervisors,
}

/// Who should read the study-relative path `rel` (`/` separators).
pub fn audience(rel: &str) -> Audience {
    let mut parts = rel.split('/');
    match (parts.next(), parts.next()) {
        (Some("coders"), Some(id)) if !id.is_empty() => Audience::Coder(id.to_string()),
        (Some("supervisor" | crate::study::migrate::STAGING_DIR), _) => Audience::Supervisors,
        _ => Audience::Study,
    }
}

/// The study's people as OS users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct People {
    /// (coder id, OS user), coders only.
    pub coders: Vec<(String, String)>,
    /// (supervisor id, OS user).
    pub supervisors: Vec<(String, String)>,
}

impl People {
    /// From the study's coders and `--user ID=OSUSER` pairs (unknown ids and unsafe names refused).
    pub fn new(coders: &[crate::study::model::Coder], pairs: &[String]) -> Result<People> {
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        for p in pairs {
            let Some((id, user)) = p.split_once('=') else {
                bail!("--user {p:?}: write it as ID=OSUSER, e.g. --user ana=aferreira");
            };
            if !coders.iter().any(|c| c.id == id) {
                bail!("--user {p:?}: {id:?} is not in coders.toml");
            }
            map.insert(id.to_string(), user.to_string());
        }
        let mut people = People { coders: vec![], supervisors: vec![] };
        for c in coders {
            let user = map.get(&c.id).cloned().unwrap_or_else(|| c.id.clone());
            let safe = !user.is_empty()
                && !user.starts_with('-')
                && user.chars().all(|ch| ch.is_ascii_alphanumeric() || "._-".contains(ch));
            if !safe {
                bail!(
                    "{user:?} (the OS user of {}) is not a user name this recipe can use; pass --user {}=OSUSER",
                    c.id,
                    c.id
                );
            }
            match c.role {
                Role::Coder => people.coders.push((c.id.clone(), user)),
                Role::Supervisor => people.supervisors.push((c.id.clone(), user)),
            }
        }
        Ok(people)
    }

    /// The OS users who should read a path with this audience.
    pub fn allowed(&self, a: &Audience) -> BTreeSet<String> {
        let sups = self.supervisors.iter().map(|(_, u)| u.clone());
        match a {
            Audience::Supervisors => sups.collect(),
            Audience::Coder(id) => {
                let own = self.coders.iter().filter(|(c, _)| c == id).map(|(_, u)| u.clone());
                sups.chain(own).collect()
            }
            Audience::Study => sups.chain(self.coders.iter().map(|(_, u)| u.clone())).collect(),
        }
    }
}

pub fn run(g: &GlobalArgs, a: &PermissionsArgs) -> Result<ExitCode> {
    let ctx = context::resolve(g)?;
    ctx.supervisor("see the study's permissions")?;
    for group in [&a.supervisors_group, &a.study_group] {
        if group.is_empty()
            || !group.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            bail!("{group:?} is not a group name the recipe can use (letters, digits, . _ -)");
        }
    }
    let people = People::new(ctx.study.coders(), &a.users)?;
    if people.supervisors.is_empty() {
        bail!(
            "the study has no supervisor in coders.toml; register one with `tapecoder coders add ID --name N --role supervisor`"
        );
    }
    if a.check {
        return check(&ctx.study, &people);
    }
    print!("{}", recipe(ctx.study.dir(), &people, &a.study_group, &a.supervisors_group));
    Ok(ExitCode::SUCCESS)
}

/// A path for a shell script, in single quotes.
fn sh_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

/// The shell recipe that sets the study's permissions (pure: builds text).
pub fn recipe(dir: &Path, people: &People, study_group: &str, sup_group: &str) -> String {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let pairs = |v: &[(String, String)]| {
        v.iter().map(|(id, u)| format!("{id}={u}")).collect::<Vec<_>>().join(" ")
    };
    let owner = people.supervisors.first().map(|(_, u)| u.as_str()).unwrap_or("root");
    let mut s = format!(
        "# Folder permissions for the study in {}, from `tapecoder permissions`.\n\
         # Run it as root on the machine that holds the folder (a Linux file server or this\n\
         # machine), and again after every `coders add`. Check the result with\n\
         # `tapecoder permissions --check`.\n\
         # Coder ids as OS users (change with --user ID=OSUSER):\n\
         #   supervisors: {}\n#   coders:      {}\n\
         set -eu\nS={}\n\n",
        sanitize_for_terminal(&dir.display().to_string()),
        pairs(&people.supervisors),
        if people.coders.is_empty() { "(none yet)".into() } else { pairs(&people.coders) },
        sh_quote(&dir),
    );
    s += &format!(
        "# 1. Two groups: everyone in the study, and its supervisors.\n\
         groupadd -f {study_group}\ngroupadd -f {sup_group}\n"
    );
    for (_, u) in &people.supervisors {
        s += &format!("usermod -a -G {study_group},{sup_group} {u}\n");
    }
    for (_, u) in &people.coders {
        s += &format!("usermod -a -G {study_group} {u}\n");
    }
    s += &format!(
        "\n# 2. The shared files (study.toml, coders.toml, recordings.toml, the codebook, the audio):\n\
         #    everyone in the study reads them, supervisors write them, nobody else gets in.\n\
         chown -R {owner}:{study_group} \"$S\"\n\
         chmod -R u=rwX,g=rX,o= \"$S\"\n\
         find \"$S\" -type d -exec chmod g+s {{}} +\n\
         setfacl -R -b \"$S\"\n\
         setfacl -R -m g:{sup_group}:rwX,d:g:{sup_group}:rwX,d:g::rX,d:o::- \"$S\"\n\n\
         # 3. coders/: everyone may pass through to their own folder; only supervisors list it.\n\
         #    A folder made here later (a new coder's) is for supervisors until this is re-run.\n\
         mkdir -p \"$S/coders\"\n\
         chmod 2710 \"$S/coders\"\n\
         setfacl -k \"$S/coders\"\n\
         setfacl -m g:{sup_group}:rwx,d:g:{sup_group}:rwX,d:g::-,d:o::- \"$S/coders\"\n\n\
         # 4. Each coder's folder (queue, codings, journal, locks): that coder and the supervisors.\n"
    );
    for (id, u) in &people.coders {
        s += &format!(
            "mkdir -p \"$S/coders/{id}\"\n\
             chown -R {u}:{sup_group} \"$S/coders/{id}\"\n\
             chmod -R u=rwX,g=rwX,o= \"$S/coders/{id}\"\n\
             find \"$S/coders/{id}\" -type d -exec chmod g+s {{}} +\n\
             setfacl -R -b \"$S/coders/{id}\"\n\
             setfacl -R -m u:{u}:rwX,g:{sup_group}:rwX,d:u:{u}:rwX,d:g:{sup_group}:rwX,d:o::- \"$S/coders/{id}\"\n"
        );
    }
    s += &format!(
        "\n# 5. supervisor/ (assignments, study variables, adjudications, supervisors' journals,\n\
         #    backups): supervisors only.\n\
         mkdir -p \"$S/supervisor\"\n\
         chgrp -R {sup_group} \"$S/supervisor\"\n\
         chmod -R u=rwX,g=rwX,o= \"$S/supervisor\"\n\
         setfacl -R -b \"$S/supervisor\"\n\
         setfacl -R -m g:{sup_group}:rwX,d:g:{sup_group}:rwX,d:g::rwX,d:o::- \"$S/supervisor\"\n\n\
         # 6. join/ (`tapecoder join` requests): everyone in the study may leave one; the sticky\n\
         #    bit keeps anyone but its writer and the folder's owner from replacing or removing it.\n\
         mkdir -p \"$S/join\"\n\
         chmod 3770 \"$S/join\"\n\
         setfacl -m g:{sup_group}:rwx \"$S/join\"\n"
    );
    s
}

/// What `--check` cannot see, printed with every report.
pub const NOT_CHECKED: &str = "not checked: root and anyone with admin rights (they read everything); accounts from a directory service (LDAP, Active Directory) that are not in /etc/passwd and /etc/group, except through the 'other' bits; the folders above the study folder; permissions a network share or sync client enforces on its own (SMB/NFSv4 ACLs, Dropbox/OneDrive sharing), and copies elsewhere (backups, sync caches)";

fn check(study: &Study, people: &People) -> Result<ExitCode> {
    let problems = check_dir(study.dir(), people)?;
    let shown = sanitize_for_terminal(&study.dir().display().to_string()).into_owned();
    if problems.is_empty() {
        println!("no path in {shown} is readable by anyone who should not read it");
        println!("{NOT_CHECKED}");
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} path(s) in {shown} readable by people who should not read them:", problems.len());
    for p in &problems {
        println!("  {}", sanitize_for_terminal(p));
    }
    println!("`tapecoder permissions` prints the recipe that fixes this");
    println!("{NOT_CHECKED}");
    Ok(ExitCode::FAILURE)
}

/// Every path under `dir` readable by someone outside its audience, as one line each.
#[cfg(unix)]
pub fn check_dir(dir: &Path, people: &People) -> Result<Vec<String>> {
    let accounts = unix::accounts();
    let mut out = Vec::new();
    let root_meta = unix::Meta::read(dir)?;
    let walk = unix::Walk { root: dir, people, accounts: &accounts };
    walk.dir(dir, &[root_meta], &mut out)?;
    Ok(out)
}

#[cfg(not(unix))]
pub fn check_dir(_dir: &Path, _people: &People) -> Result<Vec<String>> {
    bail!(
        "`tapecoder permissions --check` reads POSIX modes and ACLs, which this system does not have; check the folder's sharing settings by hand (see `tapecoder permissions`)"
    )
}

#[cfg(unix)]
mod unix {
    use std::os::unix::fs::MetadataExt;

    use super::*;

    /// An account that might read the study: from /etc/passwd, or "anyone else" (`uid: None`).
    #[derive(Debug, Clone)]
    pub struct Account {
        pub name: String,
        pub uid: Option<u32>,
        pub gids: BTreeSet<u32>,
    }

    /// Every account of /etc/passwd with its groups from /etc/group, then "anyone else".
    pub fn accounts() -> Vec<Account> {
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        let group = std::fs::read_to_string("/etc/group").unwrap_or_default();
        let mut members: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
        for line in group.lines() {
            let f: Vec<&str> = line.split(':').collect();
            if let (Some(gid), Some(users)) = (f.get(2).and_then(|g| g.parse().ok()), f.get(3)) {
                for u in users.split(',').filter(|u| !u.is_empty()) {
                    members.entry(u).or_default().insert(gid);
                }
            }
        }
        let mut out: Vec<Account> = passwd
            .lines()
            .filter_map(|line| {
                let f: Vec<&str> = line.split(':').collect();
                let name = *f.first()?;
                let uid: u32 = f.get(2)?.parse().ok()?;
                let gid: u32 = f.get(3)?.parse().ok()?;
                let mut gids = members.get(name).cloned().unwrap_or_default();
                gids.insert(gid);
                Some(Account { name: name.to_string(), uid: Some(uid), gids })
            })
            .filter(|a| a.uid != Some(0))
            .collect();
        out.push(Account { name: "anyone else".into(), uid: None, gids: BTreeSet::new() });
        out
    }

    /// Owner, group, mode and POSIX ACL of one path.
    #[derive(Debug, Clone)]
    pub struct Meta {
        uid: u32,
        gid: u32,
        mode: u32,
        is_dir: bool,
        acl: Option<Acl>,
    }

    #[derive(Debug, Clone, Default)]
    struct Acl {
        users: Vec<(u32, u32)>,
        groups: Vec<(u32, u32)>,
        group_obj: u32,
        mask: Option<u32>,
    }

    impl Meta {
        pub fn read(path: &Path) -> Result<Meta> {
            let m = std::fs::symlink_metadata(path).map_err(|e| {
                anyhow::anyhow!("{}: cannot read its permissions: {e}", path.display())
            })?;
            Ok(Meta {
                uid: m.uid(),
                gid: m.gid(),
                mode: m.mode() & 0o777,
                is_dir: m.is_dir(),
                acl: read_acl(path),
            })
        }

        /// The rwx bits (4, 2, 1) this account gets, by the POSIX ACL rules.
        pub fn perms(&self, a: &Account) -> u32 {
            let owner = (self.mode >> 6) & 7;
            let other = self.mode & 7;
            if a.uid == Some(self.uid) {
                return owner;
            }
            let acl = self
                .acl
                .clone()
                .unwrap_or(Acl { group_obj: (self.mode >> 3) & 7, ..Acl::default() });
            let mask = acl.mask.unwrap_or(7);
            if let Some((_, p)) = acl.users.iter().find(|(u, _)| a.uid == Some(*u)) {
                return p & mask;
            }
            let mut matched = false;
            let mut bits = 0;
            if a.gids.contains(&self.gid) {
                matched = true;
                bits |= acl.group_obj;
            }
            for (g, p) in &acl.groups {
                if a.gids.contains(g) {
                    matched = true;
                    bits |= p;
                }
            }
            if matched { bits & mask } else { other }
        }

        fn describe(&self) -> String {
            format!("mode {:04o}{}", self.mode, if self.acl.is_some() { " + ACL" } else { "" })
        }
    }

    /// `system.posix_acl_access`, if the path has extended ACL entries.
    fn read_acl(path: &Path) -> Option<Acl> {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        let name = c"system.posix_acl_access";
        let mut buf = vec![0u8; 4096];
        // SAFETY: valid NUL-terminated strings and a buffer of the length passed.
        let n = unsafe {
            libc::lgetxattr(c.as_ptr(), name.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
        };
        let n = usize::try_from(n).ok()?;
        parse_acl(buf.get(..n)?)
    }

    /// The Linux xattr form: u32 version 2, then entries of (u16 tag, u16 perm, u32 id), little
    /// endian.
    fn parse_acl(b: &[u8]) -> Option<Acl> {
        let version = u32::from_le_bytes(b.get(..4)?.try_into().ok()?);
        if version != 2 {
            return None;
        }
        let mut acl = Acl::default();
        for e in b.get(4..)?.chunks_exact(8) {
            let tag = u16::from_le_bytes([e[0], e[1]]);
            let perm = u32::from(u16::from_le_bytes([e[2], e[3]]) & 7);
            let id = u32::from_le_bytes([e[4], e[5], e[6], e[7]]);
            match tag {
                0x02 => acl.users.push((id, perm)),
                0x04 => acl.group_obj = perm,
                0x08 => acl.groups.push((id, perm)),
                0x10 => acl.mask = Some(perm),
                _ => {}
            }
        }
        Some(acl)
    }

    pub struct Walk<'a> {
        pub root: &'a Path,
        pub people: &'a People,
        pub accounts: &'a [Account],
    }

    impl Walk<'_> {
        /// Checks `dir` itself (its chain of folders is `chain`, `dir` last) and everything in it.
        pub fn dir(&self, dir: &Path, chain: &[Meta], out: &mut Vec<String>) -> Result<()> {
            self.one(dir, chain, out);
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
                Ok(rd) => rd.flatten().map(|e| e.path()).collect(),
                Err(e) => {
                    out.push(format!("{}: cannot list it to check ({e})", self.rel(dir)));
                    return Ok(());
                }
            };
            entries.sort();
            for p in entries {
                let meta = Meta::read(&p)?;
                let mut sub = chain.to_vec();
                sub.push(meta.clone());
                if meta.is_dir {
                    self.dir(&p, &sub, out)?;
                } else {
                    self.one(&p, &sub, out);
                }
            }
            Ok(())
        }

        fn rel(&self, p: &Path) -> String {
            let r = crate::study::Layout::new(self.root).relative(p);
            if r.is_empty() { ".".into() } else { r }
        }

        /// Reports `path` (whose metadata is the last of `chain`) when someone outside its
        /// audience can read it: read on it, and pass-through on every folder above it.
        fn one(&self, path: &Path, chain: &[Meta], out: &mut Vec<String>) {
            let Some((me, above)) = chain.split_last() else { return };
            let rel = self.rel(path);
            let who = audience(&rel);
            let allowed = self.people.allowed(&who);
            let readers: Vec<&Account> = self
                .accounts
                .iter()
                .filter(|a| !allowed.contains(&a.name))
                .filter(|a| me.perms(a) & 4 != 0 && above.iter().all(|d| d.perms(a) & 1 != 0))
                .collect();
            if readers.is_empty() {
                return;
            }
            let names: Vec<&str> = if readers.iter().any(|a| a.uid.is_none()) {
                vec!["anyone with an account here (the 'other' bits)"]
            } else {
                readers.iter().map(|a| a.name.as_str()).collect()
            };
            let should = match &who {
                Audience::Study => "only the study's coders and supervisors".to_string(),
                Audience::Coder(id) => format!("only {id} and the supervisors"),
                Audience::Supervisors => "only the supervisors".to_string(),
            };
            out.push(format!(
                "{rel}: readable by {} ({}); {should} should read it",
                names.join(", "),
                me.describe()
            ));
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn acct(uid: u32, gids: &[u32]) -> Account {
            Account {
                name: format!("u{uid}"),
                uid: Some(uid),
                gids: gids.iter().copied().collect(),
            }
        }

        #[test]
        fn posix_acl_rules() {
            let plain = Meta { uid: 10, gid: 20, mode: 0o640, is_dir: false, acl: None };
            assert_eq!(plain.perms(&acct(10, &[])), 6);
            assert_eq!(plain.perms(&acct(11, &[20])), 4);
            assert_eq!(plain.perms(&acct(12, &[21])), 0);
            let acl =
                Acl { users: vec![(12, 7)], groups: vec![(21, 4)], group_obj: 0, mask: Some(5) };
            let m = Meta { acl: Some(acl), ..plain };
            assert_eq!(m.perms(&acct(12, &[])), 5, "named user, masked");
            assert_eq!(m.perms(&acct(13, &[21])), 4, "named group");
            assert_eq!(m.perms(&acct(14, &[20])), 0, "owning group without bits");
            let bytes: Vec<u8> = [
                2u32.to_le_bytes().to_vec(),
                vec![2, 0, 6, 0],
                7u32.to_le_bytes().to_vec(),
                vec![0x10, 0, 4, 0],
                u32::MAX.to_le_bytes().to_vec(),
            ]
            .concat();
            let parsed = parse_acl(&bytes).unwrap();
            assert_eq!(parsed.users, vec![(7, 6)]);
            assert_eq!(parsed.mask, Some(4));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::model::Coder;

    fn people() -> People {
        let c = |id: &str, role| Coder { id: id.into(), name: id.into(), role, key: None };
        let coders = [c("sup", Role::Supervisor), c("ana", Role::Coder), c("ben", Role::Coder)];
        People::new(&coders, &["ana=aferreira".into()]).unwrap()
    }

    #[test]
    fn audiences_follow_the_layout() {
        assert_eq!(audience("coders/ana/codings/R001.toml"), Audience::Coder("ana".into()));
        assert_eq!(audience("coders/ana"), Audience::Coder("ana".into()));
        assert_eq!(audience("coders"), Audience::Study);
        assert_eq!(audience("supervisor/journal/sup.jsonl"), Audience::Supervisors);
        assert_eq!(audience("recordings.toml"), Audience::Study);
        let p = people();
        assert_eq!(
            p.allowed(&Audience::Coder("ana".into())),
            BTreeSet::from(["aferreira".to_string(), "sup".to_string()])
        );
        assert_eq!(p.allowed(&Audience::Supervisors), BTreeSet::from(["sup".to_string()]));
    }

    #[test]
    fn unsafe_user_names_and_unknown_ids_are_refused() {
        let c = [Coder { id: "ana".into(), name: "A".into(), role: Role::Coder, key: None }];
        assert!(People::new(&c, &["ana=a b".into()]).is_err());
        assert!(People::new(&c, &["ana=-rf".into()]).is_err());
        assert!(People::new(&c, &["zed=z".into()]).is_err());
        assert!(People::new(&c, &["ana".into()]).is_err());
    }

    #[test]
    fn the_recipe_gives_each_coder_their_folder() {
        let r = recipe(Path::new("/srv/it's"), &people(), "tc-study", "tc-sup");
        assert!(r.contains("S='/srv/it'\\''s'"), "{r}");
        assert!(r.contains("chown -R aferreira:tc-sup \"$S/coders/ana\""), "{r}");
        assert!(r.contains("u:aferreira:rwX"), "{r}");
        assert!(r.contains("chown -R ben:tc-sup \"$S/coders/ben\""), "{r}");
        assert!(r.contains("usermod -a -G tc-study,tc-sup sup"), "{r}");
        assert!(r.contains("chmod -R u=rwX,g=rwX,o= \"$S/supervisor\""), "{r}");
        assert!(!r.contains("coders/sup"), "supervisors have no coder folder: {r}");
    }
}

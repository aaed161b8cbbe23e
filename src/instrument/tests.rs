use std::collections::BTreeMap;

use super::*;

fn bundled(name: &str) -> Instrument {
    let path = format!("{}/codebook/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("bundled instrument");
    parse(&text, &path).unwrap_or_else(|e| panic!("{e}"))
}

fn problems(text: &str) -> String {
    match parse(text, "t.toml") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const HEAD: &str = "schema = 2\nid = \"t\"\nversion = \"1\"\ntitle = \"T\"\n";

fn item(key: &str) -> String {
    format!("[[checklist]]\nkey = \"{key}\"\nlabel = \"{key}\"\ndescription = \"d\"\n")
}

#[test]
fn the_unit_meeting_rule_gives_the_three_classes_of_the_evaluation() {
    let i = bundled("unit-meeting.toml");
    assert_eq!(i.checklist.len(), 7);
    let c = &i.classifications[0];
    assert!(c.derived());
    let all: BTreeMap<String, bool> = i.checklist.iter().map(|x| (x.key.clone(), true)).collect();
    assert_eq!(c.derive(&all).map(|x| x.key.as_str()), Some("systemic"));
    let mut no_action = all.clone();
    no_action.insert("actionable".into(), false);
    assert_eq!(c.derive(&no_action).map(|x| x.key.as_str()), Some("green_shoots"));
    let mut two_missing = no_action.clone();
    two_missing.insert("curious".into(), false);
    assert_eq!(c.derive(&two_missing).map(|x| x.key.as_str()), Some("un_systemic"));
    let mut one_other = all.clone();
    one_other.insert("risk_clarity".into(), false);
    assert_eq!(c.derive(&one_other).map(|x| x.key.as_str()), Some("un_systemic"));
    // Not derived while an item is unanswered.
    let mut partial = all;
    partial.remove("curious");
    assert_eq!(c.derive(&partial), None);
}

#[test]
fn mi_fidelity_summaries_are_ratios_sums_and_means_with_bands() {
    let i = bundled("mi-fidelity.toml");
    assert_eq!((i.scales.len(), i.counts.len(), i.summaries.len()), (4, 10, 6));
    let counts: BTreeMap<String, u32> = [
        ("question", 10),
        ("simple_reflection", 8),
        ("complex_reflection", 12),
        ("affirm", 2),
        ("seeking_collaboration", 1),
        ("confront", 1),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), *v))
    .collect();
    let scales: BTreeMap<String, u8> =
        [("partnership", 4), ("empathy", 3)].iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let s = |k: &str| i.summaries.iter().find(|s| s.key == k).expect(k);
    assert_eq!(s("reflection_to_question").value(&counts, &scales), Ok(2.0));
    assert_eq!(s("reflection_to_question").band(2.0), Some(Band::Good));
    assert_eq!(s("percent_complex_reflections").value(&counts, &scales), Ok(60.0));
    assert_eq!(s("mi_adherent").value(&counts, &scales), Ok(3.0));
    assert_eq!(s("mi_non_adherent").value(&counts, &scales), Ok(1.0));
    assert_eq!(s("relational").value(&counts, &scales), Ok(3.5));
    assert_eq!(s("relational").band(3.5), Some(Band::Fair));
    assert_eq!(s("relational").band(3.4), Some(Band::BelowFair));
    let err = s("technical").value(&counts, &scales).unwrap_err();
    assert!(err.reason.contains("cultivating_change_talk is not scored"), "{err}");
    // No questions: R:Q n/a, with the reason.
    let none = BTreeMap::new();
    let err = s("reflection_to_question").value(&none, &scales).unwrap_err();
    assert_eq!(err.reason, "Reflection-to-question ratio n/a: no question logged");
    assert_eq!(s("mi_adherent").band(1.0), None, "no thresholds, no band");
}

#[test]
fn a_rule_naming_an_unknown_item_is_explained() {
    let text = format!(
        "{HEAD}{}[[classification]]\nkey = \"c\"\nlabel = \"C\"\n[[classification.class]]\nkey = \"a\"\nlabel = \"A\"\nrule = {{ present = [\"x\", \"warmth\"] }}\n[[classification.class]]\nkey = \"b\"\nlabel = \"B\"\nrule = \"otherwise\"\n",
        item("x")
    );
    let e = problems(&text);
    assert!(e.contains("t.toml:15:8:"), "{e}");
    assert!(e.contains("names `warmth`, which is not a checklist item; checklist items: x"), "{e}");
}

#[test]
fn otherwise_must_be_last_and_answers_must_all_reach_a_class() {
    let class = |k: &str, rule: &str| {
        format!("[[classification.class]]\nkey = \"{k}\"\nlabel = \"{k}\"\nrule = {rule}\n")
    };
    let cls = "[[classification]]\nkey = \"c\"\nlabel = \"C\"\n";
    let text = format!(
        "{HEAD}{}{}{cls}{}{}",
        item("x"),
        item("y"),
        class("a", "\"otherwise\""),
        class("b", "{ present = [\"x\"] }")
    );
    let e = problems(&text);
    assert!(e.contains("`otherwise` (class `a`) must be the last class"), "{e}");
    let text = format!(
        "{HEAD}{}{}{cls}{}{}",
        item("x"),
        item("y"),
        class("a", "{ present = [\"x\", \"y\"] }"),
        class("b", "{ absent = [\"x\"] }")
    );
    let e = problems(&text);
    assert!(e.contains("some answers match no class, e.g. x present, y absent"), "{e}");
    assert!(e.contains("add a last class with rule = \"otherwise\""), "{e}");
    let text = format!(
        "{HEAD}{}{cls}{}{}{}",
        item("x"),
        class("a", "{ present = [\"x\"] }"),
        class("b", "{ present = [\"x\"] }"),
        class("c", "\"otherwise\"")
    );
    let e = problems(&text);
    assert!(e.contains("class `b` can never be derived"), "{e}");
}

#[test]
fn counts_need_one_free_key_each_and_summaries_known_items() {
    let count = |k: &str, press: &str| {
        format!("[[count]]\nkey = \"{k}\"\nlabel = \"{k}\"\npress = \"{press}\"\n")
    };
    let text = format!("{HEAD}{}{}{}", count("q1", "b"), count("q2", "z"), count("q3", "z"));
    let e = problems(&text);
    assert!(e.contains("count `q1`: press 'b' is the coding screen's `segment_begin` key"), "{e}");
    assert!(e.contains("count `q3`: press 'z' is already count `q2`'s key"), "{e}");
    let text = format!(
        "{HEAD}{}[[summary]]\nkey = \"r\"\nlabel = \"R\"\nratio = {{ numerator = [\"q1\"], denominator = [\"nope\"] }}\n",
        count("q1", "z")
    );
    let e = problems(&text);
    assert!(e.contains("summary `r` names `nope`, which is not a count; counts: q1"), "{e}");
    let text = format!("{HEAD}[[summary]]\nkey = \"r\"\nlabel = \"R\"\nsum = []\nmean = []\n");
    assert!(problems(&text).contains("needs exactly one of sum"));
}

#[test]
fn keys_are_one_namespace_and_scales_describe_every_level() {
    let text = format!(
        "{HEAD}{}{}[[scale]]\nkey = \"s\"\nlabel = \"S\"\nmin = 1\nmax = 3\n[scale.levels]\n1 = \"a\"\n3 = \"c\"\n4 = \"d\"\n",
        item("x"),
        item("x")
    );
    let e = problems(&text);
    assert!(e.contains("duplicate key `x`: first defined on line 6"), "{e}");
    assert!(e.contains("scale `s` is missing the descriptor for level 2"), "{e}");
    assert!(e.contains("scale `s` describes level 4, outside 1..3"), "{e}");
}

#[test]
fn a_wrong_shape_is_a_toml_error_at_its_place() {
    let e =
        problems(&format!("{HEAD}[[checklist]]\nkey = \"x\"\nlabel = \"x\"\ncolour = \"red\"\n"));
    assert!(e.contains("t.toml:8:1") && e.contains("colour"), "{e}");
    let e = problems("schema = 3\nid = \"t\"\nversion = \"1\"\ntitle = \"T\"\n");
    assert!(e.contains("schema 3 is not an instrument schema"), "{e}");
}

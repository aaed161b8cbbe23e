//! Order-preserving parallel map on scoped threads, one per core (at most one per item, the
//! caller being one of them): the
//! reliability report's measures and a study's coding files are independent of each other.
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

thread_local! {
    /// Set on a worker of [`map`]: a map inside it runs on that worker (the outer map already
    /// keeps every core busy; more threads would only be switched between).
    static IN_WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `items.iter().map(f).collect()`, with the calls spread over the machine's cores. Items are
/// handed out one at a time, so one slow item does not hold up a whole share of the others; each
/// result goes straight to its place (a study's 12,000 codings are not gathered and copied again).
pub fn map<T: Sync, R: Send + Sync>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = cores().min(items.len());
    if threads <= 1 || IN_WORKER.get() {
        return items.iter().map(f).collect();
    }
    let slots: Vec<OnceLock<R>> = items.iter().map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        // Reset on the way out, a panic included: the caller is a worker only for this map.
        let _worker = WorkerMark::set();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let (Some(item), Some(slot)) = (items.get(i), slots.get(i)) else { break };
            // Each index is handed out once, so its slot is always empty here.
            let _ = slot.set(f(item));
        }
    };
    std::thread::scope(|s| {
        // The caller is one of the workers: one thread fewer to start, and the memory its
        // allocations touch is the caller's own (a fresh thread's heap is fresh pages).
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        work();
        // A panic in `f` is carried on to the caller, as the sequential map would.
        for h in helpers {
            h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        }
    });
    // Every slot was filled: the workers ran until the items were used up, and none panicked.
    slots.into_iter().filter_map(OnceLock::into_inner).collect()
}

/// Marks the current thread as a worker of [`map`] until dropped.
struct WorkerMark(bool);

impl WorkerMark {
    fn set() -> Self {
        WorkerMark(IN_WORKER.replace(true))
    }
}

impl Drop for WorkerMark {
    fn drop(&mut self) {
        IN_WORKER.set(self.0);
    }
}

/// How many threads can run at once (asked once: each ask reads the cgroup's files).
pub fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        let out = super::map(&items, |x| x * x);
        assert_eq!(out, items.iter().map(|x| x * x).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u8], |x| *x).is_empty());
    }

    #[test]
    fn a_map_inside_a_map_keeps_its_order_too() {
        let outer: Vec<u64> = (0..8).collect();
        let out = super::map(&outer, |&o| super::map(&[1u64, 2, 3], |&x| x * 10 + o));
        let want: Vec<Vec<u64>> = outer.iter().map(|&o| vec![10 + o, 20 + o, 30 + o]).collect();
        assert_eq!(out, want);
    }

    #[test]
    fn a_panic_in_the_function_reaches_the_caller() {
        let items: Vec<u32> = (0..64).collect();
        let r = std::panic::catch_unwind(|| {
            super::map(&items, |&x| if x == 40 { panic!("x") } else { x })
        });
        assert!(r.is_err());
    }

    #[test]
    fn the_caller_is_a_worker_only_while_its_map_runs() {
        // The caller takes items too, so a panic on it must not leave it marked as a worker
        // (every later map on this thread would then run on one core).
        let items: Vec<u32> = (0..64).collect();
        let caller = std::thread::current().id();
        let r = std::panic::catch_unwind(|| {
            super::map(&items, |&x| {
                assert!(super::IN_WORKER.get());
                if std::thread::current().id() == caller {
                    panic!("on the caller");
                }
                // The helpers are slow, so the caller is sure to take an item.
                std::thread::sleep(std::time::Duration::from_millis(1));
                x
            })
        });
        if super::cores() > 1 {
            assert!(r.is_err(), "the caller took no item of 64");
        }
        assert!(!super::IN_WORKER.get());
        assert_eq!(super::map(&items, |&x| x + 1)[63], 64);
    }
}

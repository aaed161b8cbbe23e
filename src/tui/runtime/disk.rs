//! The disk thread: every read and write of the study an app asks for, in order, off the UI
//! thread. Each job gets exactly one [`Reply`] (so the runtime knows when the thread is idle);
//! a job the next one makes pointless (an older save) is still answered, told it was superseded.
use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use super::media::MediaOpen;

/// The disk thread's answer to one job.
pub enum Reply<M> {
    None,
    Msg(M),
    /// Open the player on the UI thread (which owns the audio output), then send the message
    /// [`MediaOpen::opened`] builds.
    Media(Box<MediaOpen<M>>),
}

/// Carries out an app's disk jobs (it owns the study).
pub trait Worker: Send + 'static {
    type Job: Send + 'static;
    type Msg: Send + 'static;
    /// Does `job`. `superseded`: the next job queued makes this one pointless (see
    /// [`Worker::supersedes`]); answer it without doing the work.
    fn run(&mut self, job: Self::Job, superseded: bool) -> Reply<Self::Msg>;
    /// Whether `next` makes `job` pointless when both are queued (a newer save of the same
    /// file). Nothing is skipped by default.
    fn supersedes(_next: &Self::Job, _job: &Self::Job) -> bool {
        false
    }
    /// The answer when the disk thread is gone (it panicked): what the user should be told.
    fn unavailable(job: Self::Job) -> Option<Self::Msg>;
}

/// The UI thread's end of the disk thread.
pub(super) struct Disk<J, M> {
    jobs: Option<Sender<J>>,
    replies: Receiver<Reply<M>>,
    handle: Option<JoinHandle<()>>,
    /// For each job on its way: whether it opens a recording.
    in_flight: VecDeque<bool>,
    unavailable: fn(J) -> Option<M>,
}

impl<J: Send + 'static, M: Send + 'static> Disk<J, M> {
    pub(super) fn spawn<W: Worker<Job = J, Msg = M>>(mut worker: W) -> std::io::Result<Self> {
        let (job_tx, job_rx) = mpsc::channel::<J>();
        let (reply_tx, reply_rx) = mpsc::channel::<Reply<M>>();
        let handle = std::thread::Builder::new().name("tui-disk".into()).spawn(move || {
            while let Ok(first) = job_rx.recv() {
                let mut batch: VecDeque<J> = VecDeque::from([first]);
                batch.extend(job_rx.try_iter());
                while let Some(job) = batch.pop_front() {
                    let superseded = batch.front().is_some_and(|next| W::supersedes(next, &job));
                    if reply_tx.send(worker.run(job, superseded)).is_err() {
                        return;
                    }
                }
            }
        })?;
        Ok(Disk {
            jobs: Some(job_tx),
            replies: reply_rx,
            handle: Some(handle),
            in_flight: VecDeque::new(),
            unavailable: W::unavailable,
        })
    }

    /// Hands `job` to the thread; if it is gone, the message saying so.
    pub(super) fn send(&mut self, job: J, opens: bool) -> Option<M> {
        let Some(tx) = &self.jobs else { return (self.unavailable)(job) };
        match tx.send(job) {
            Ok(()) => {
                self.in_flight.push_back(opens);
                None
            }
            Err(mpsc::SendError(job)) => (self.unavailable)(job),
        }
    }

    pub(super) fn try_reply(&mut self) -> Option<Reply<M>> {
        let r = self.replies.try_recv().ok()?;
        self.in_flight.pop_front();
        Some(r)
    }

    /// Whether a recording is being opened.
    pub(super) fn opening(&self) -> bool {
        self.in_flight.iter().any(|&o| o)
    }

    pub(super) fn idle(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// Lets the thread finish every job queued, then waits for it.
    pub(super) fn finish(&mut self) {
        self.jobs = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl<J, M> Drop for Disk<J, M> {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

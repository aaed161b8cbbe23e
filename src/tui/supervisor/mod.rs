//! The supervisor's adjudication app (`tapecoder adjudicate`) on the shared runtime: how its
//! effects map to the runtime's commands, and its disk work ([`worker`]).
pub mod worker;

use ratatui::Frame;

use crate::tui::adjudication::app::{AdjApp, Effect, Msg, update};
use crate::tui::adjudication::view;
use crate::tui::runtime::{self, Command, Event};
use crate::tui::transport::Transport;

use worker::{Job, SupervisorWorker};

impl runtime::App for AdjApp {
    type Msg = Msg;
    type Effect = Effect;
    type Job = Job;
    type Worker = SupervisorWorker;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        update(self, msg)
    }

    fn view(&self, f: &mut Frame) {
        view::draw(f, self);
    }

    fn quitting(&self) -> bool {
        self.quitting
    }

    fn event(ev: Event) -> Option<Msg> {
        Some(match ev {
            Event::Tick(ms) => Msg::Tick(ms),
            Event::Playback(s) => Msg::Playback(s),
            Event::Overview { total, start, peaks } => Msg::Overview { total, start, peaks },
            Event::OverviewFailed(e) => Msg::Problem(format!("no waveform: {e}")),
            Event::Shutdown => Msg::Terminate,
        })
    }

    fn command(fx: Effect) -> Command<Job> {
        match fx {
            Effect::Open { id, duration_s } => Command::Open(Job::Prepare { id, duration_s }),
            Effect::Close => Command::Close,
            Effect::Save(adj) => Command::Disk(Job::Save(adj)),
            Effect::RefreshList => Command::Disk(Job::RefreshList),
            Effect::Play => Command::Player(Transport::Play),
            Effect::Pause => Command::Player(Transport::Pause),
            Effect::Seek(t) => Command::Player(Transport::Seek(t)),
            Effect::Speed(s) => Command::Player(Transport::Speed(s)),
            Effect::Quit => Command::None,
        }
    }
}

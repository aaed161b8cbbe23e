//! The coder app (`tapecoder code`) on the shared runtime: how its effects map to the runtime's
//! commands, and its disk work ([`worker`]).
pub mod worker;

use ratatui::Frame;

use crate::tui::app::{App, Effect, Msg, update};
use crate::tui::runtime::{self, Command, Event};
use crate::tui::screens;
use crate::tui::transport::Transport;

use worker::{CoderWorker, Job};

impl runtime::App for App {
    type Msg = Msg;
    type Effect = Effect;
    type Job = Job;
    type Worker = CoderWorker;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        update(self, msg)
    }

    fn view(&self, f: &mut Frame) {
        screens::draw(f, self);
    }

    fn quitting(&self) -> bool {
        self.quitting
    }

    fn event(ev: Event) -> Option<Msg> {
        Some(match ev {
            Event::Tick(ms) => Msg::Tick(ms),
            Event::Playback(s) => Msg::Playback(s),
            Event::Overview { total, start, peaks } => Msg::Overview { total, start, peaks },
            // The reason names the file: not for a coder's screen (blinding).
            Event::OverviewFailed(_) => return None,
            Event::Shutdown => Msg::Shutdown,
        })
    }

    fn command(fx: Effect) -> Command<Job> {
        match fx {
            Effect::Open(id) => Command::Open(Job::Prepare(id)),
            Effect::Close => Command::Close,
            Effect::Save(c) => Command::Disk(Job::Save(c)),
            Effect::Submit(c) => Command::Disk(Job::Submit(c)),
            Effect::RefreshQueue => Command::Disk(Job::RefreshQueue),
            Effect::Play => Command::Player(Transport::Play),
            Effect::Pause => Command::Player(Transport::Pause),
            Effect::Seek(t) => Command::Player(Transport::Seek(t)),
            Effect::Speed(s) => Command::Player(Transport::Speed(s)),
            Effect::Quit => Command::None,
        }
    }
}

//! The coding screen with a schema-2 instrument (issue #14): the items pane (scales, checklist,
//! classifications, counts, summaries), the count lane and the events pane, every edit undoable.
mod tui_support;

use crossterm::event::KeyCode;
use tui_support::*;

#[test]
fn scratch_render() {
    let a = instrument_app("unit-meeting", 10.0, 0.0);
    println!("{}", render(&a, 80, 24));
    println!("{}", render(&a, 120, 40));
    let mut a = instrument_app("mi-fidelity", 100.0, 0.5);
    with_overview(&mut a);
    typed(&mut a, "QsQc");
    send(&mut a, [key(KeyCode::Tab)]);
    println!("{}", render(&a, 80, 24));
    println!("{}", render(&a, 120, 40));
}

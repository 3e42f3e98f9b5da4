//! Pointer gestures on the canvas as a pure state machine, apart from the
//! view (as xyflow keeps `xydrag` and `xypanzoom` apart from its
//! components): the canvas feeds it pointer events in canvas pixels and
//! does what it answers. No DOM and no signals, so every gesture is tested
//! natively.
//!
//! Drag the background to pan, Shift-drag to box-select, drag a card to move
//! the selection (one undo step per drag), drag from an output port to an
//! input port to wire (or tap one, then the other), two fingers to pinch.
//! A second finger turns whatever the first started into a pinch, and a card
//! half-moved goes back.
//!
//! A move is shown as an offset over the document ([`Moved`]) and enters
//! it once, when the drag ends: the document is not touched per pointer
//! move, so only the moved cards and their wires draw again.

use std::collections::{BTreeMap, BTreeSet};

use super::flow::Flow;
use super::viewport::Viewport;

/// A press that moved less than this (canvas pixels) is a tap.
pub const TAP_SLOP: f64 = 10.0;

/// Where a pointer went down.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The canvas itself.
    Background,
    /// A card, and the selection when it was pressed.
    Card { id: String, selection: BTreeSet<String> },
    /// An output port: its card's id.
    OutputPort(String),
    /// An input port: it only ends wires (but a finger there may pinch).
    InputPort,
}

/// A pointer going down.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Press {
    /// The pointer's id (a finger, the mouse).
    pub pointer: i32,
    /// Whether it is the first pointer of its kind down (a new touch).
    pub primary: bool,
    /// Where, in canvas pixels.
    pub at: (f64, f64),
    /// Shift held.
    pub shift: bool,
    /// Space held (or the hand tool on): any drag pans.
    pub space_pans: bool,
    /// Presenter mode: cards are only charted, never edited.
    pub presenting: bool,
}

/// Cards `ids` moved by `(dx, dy)` world units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Moved {
    pub ids: BTreeSet<String>,
    pub dx: f64,
    pub dy: f64,
}

impl Moved {
    /// Whether the cards moved at all (a tap does not).
    pub fn is_move(&self) -> bool {
        self.dx != 0.0 || self.dy != 0.0
    }
}

/// What the canvas should do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Set the pan and zoom.
    Viewport(Viewport),
    /// Select nothing, no wire either.
    ClearSelection,
    /// Add the card to the selection, or take it out.
    ToggleSelected(String),
    /// Select only this card.
    SelectOnly(String),
    /// Show this card's charts (it stays selected with the others).
    Chart(String),
    /// Select no wire.
    ClearSelectedLink,
    /// Show these cards moved (while dragging, not history), or every card
    /// where the document has it (`None`: a pinch interrupted a move).
    ShowMoved(Option<Moved>),
    /// The move ended: the cards stay where they were shown, one undo step
    /// (none for a tap).
    CommitMove(Moved),
    /// A card was pressed and let go within [`TAP_SLOP`]: a tap (on a
    /// phone it opens the node's sheet).
    TappedCard(String),
    /// Start a wire from this card's output port.
    WireFrom(String),
    /// Stop wiring.
    StopWiring,
    /// Draw the loose end of the wire being dragged, at this world point.
    WireEnd(Option<(f64, f64)>),
    /// Wire `from` to `to`.
    Connect { from: String, to: String },
    /// An output port was tapped: say that a tap on an input port wires it.
    ExplainTapWiring(String),
    /// Draw the selection box, in world units `(x0, y0, x1, y1)`.
    Marquee(Option<(f64, f64, f64, f64)>),
    /// Select the cards the box `(x0, y0, x1, y1)` touches, added to the
    /// selection or instead of it.
    SelectBox { rect: (f64, f64, f64, f64), add: bool },
}

/// A gesture in progress.
#[derive(Clone, Debug, PartialEq)]
enum Gesture {
    Pan {
        from: (f64, f64),
        start: Viewport,
    },
    /// Moving cards, shown `moved` so far; `card` was pressed at screen
    /// point `pressed`, world point `from`.
    Move {
        moved: Moved,
        from: (f64, f64),
        card: String,
        pressed: (f64, f64),
    },
    /// Dragging a wire from `id`'s output port, pressed at `pressed`.
    Wire {
        id: String,
        pressed: (f64, f64),
    },
    Select {
        from: (f64, f64),
        add: bool,
        rect: Option<(f64, f64, f64, f64)>,
    },
    /// Two fingers: zoom by their spread, pan by their midpoint.
    Pinch {
        spread: f64,
        mid: (f64, f64),
        start: Viewport,
    },
}

/// The canvas's gestures: the one in progress and the pointers down.
#[derive(Clone, Debug, Default)]
pub struct Gestures {
    gesture: Option<Gesture>,
    /// Pointers down (touch fingers, say), by id, where they are.
    down: BTreeMap<i32, (f64, f64)>,
}

/// The spread and midpoint of the first two pointers down.
fn two_fingers(down: &BTreeMap<i32, (f64, f64)>) -> Option<(f64, (f64, f64))> {
    let mut it = down.values();
    let (a, b) = (it.next()?, it.next()?);
    Some(((a.0 - b.0).hypot(a.1 - b.1).max(1.0), ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)))
}

impl Gestures {
    /// Whether a gesture is in progress.
    pub fn active(&self) -> bool {
        self.gesture.is_some()
    }

    /// A pointer went down on `target`. Returns what to do, and whether the
    /// canvas takes the pointer (captures it, and the event goes no
    /// further); an input port's press is the canvas's only when it makes
    /// a pinch.
    pub fn press(
        &mut self,
        press: Press,
        target: Target,
        viewport: Viewport,
    ) -> (Vec<Effect>, bool) {
        if press.primary {
            // The first finger of a new touch: nothing else is down.
            self.down.clear();
        }
        self.down.insert(press.pointer, press.at);
        let mut out = Vec::new();
        if let Some((spread, mid)) = two_fingers(&self.down) {
            if let Some(Gesture::Move { .. }) = self.gesture.take() {
                out.push(Effect::ShowMoved(None));
            }
            out.extend([Effect::WireEnd(None), Effect::Marquee(None), Effect::StopWiring]);
            self.gesture = Some(Gesture::Pinch { spread, mid, start: viewport });
            return (out, true);
        }
        let pan = Gesture::Pan { from: press.at, start: viewport };
        let gesture = match target {
            Target::InputPort => return (out, false),
            Target::Background => {
                out.push(Effect::StopWiring);
                if press.shift && !press.space_pans {
                    Gesture::Select { from: press.at, add: true, rect: None }
                } else {
                    if !press.space_pans {
                        out.push(Effect::ClearSelection);
                    }
                    pan
                }
            }
            Target::Card { id, .. } if press.presenting => {
                // Presenter mode shows, it does not edit: a press only charts.
                self.down.remove(&press.pointer);
                return (vec![Effect::Chart(id)], true);
            }
            Target::Card { .. } | Target::OutputPort(_) if press.space_pans => pan,
            Target::Card { id, selection: mut ids } => {
                // The move takes the selection as the press leaves it: a
                // card pressed among selected ones moves them all.
                if press.shift {
                    out.push(Effect::ToggleSelected(id.clone()));
                    if !ids.remove(&id) {
                        ids.insert(id.clone());
                    }
                } else if !ids.contains(&id) {
                    out.push(Effect::SelectOnly(id.clone()));
                    ids = BTreeSet::from([id.clone()]);
                } else {
                    out.push(Effect::Chart(id.clone()));
                }
                out.push(Effect::ClearSelectedLink);
                let from = viewport.to_world(press.at.0, press.at.1);
                let moved = Moved { ids, dx: 0.0, dy: 0.0 };
                Gesture::Move { moved, from, card: id, pressed: press.at }
            }
            Target::OutputPort(id) => {
                let world = viewport.to_world(press.at.0, press.at.1);
                out.push(Effect::WireFrom(id.clone()));
                out.push(Effect::WireEnd(Some(world)));
                Gesture::Wire { id, pressed: press.at }
            }
        };
        self.gesture = Some(gesture);
        (out, true)
    }

    /// Pointer `pointer` moved to `at` (canvas pixels). `snap`, when set,
    /// rounds a move to whole grid steps of the layout drawn that way.
    pub fn drag(
        &mut self,
        pointer: i32,
        at: (f64, f64),
        viewport: Viewport,
        snap: Option<Flow>,
    ) -> Vec<Effect> {
        if let Some(p) = self.down.get_mut(&pointer) {
            *p = at;
        }
        let world = viewport.to_world(at.0, at.1);
        match &mut self.gesture {
            None => Vec::new(),
            Some(Gesture::Pinch { spread, mid, start }) => {
                let Some((now, centre)) = two_fingers(&self.down) else { return Vec::new() };
                let v = start.zoom_at(mid.0, mid.1, now / *spread);
                let (x, y) = (v.x + centre.0 - mid.0, v.y + centre.1 - mid.1);
                vec![Effect::Viewport(Viewport { x, y, ..v })]
            }
            Some(Gesture::Pan { from, start }) => vec![Effect::Viewport(Viewport {
                x: start.x + at.0 - from.0,
                y: start.y + at.1 - from.1,
                ..*start
            })],
            Some(Gesture::Move { moved, from, .. }) => {
                let (mut dx, mut dy) = (world.0 - from.0, world.1 - from.1);
                if let Some(flow) = snap {
                    (dx, dy) = flow.snap((dx, dy));
                }
                (moved.dx, moved.dy) = (dx, dy);
                vec![Effect::ShowMoved(Some(moved.clone()))]
            }
            Some(Gesture::Wire { .. }) => vec![Effect::WireEnd(Some(world))],
            Some(Gesture::Select { from, rect, .. }) => {
                let a = viewport.to_world(from.0, from.1);
                let r = (a.0.min(world.0), a.1.min(world.1), a.0.max(world.0), a.1.max(world.1));
                *rect = Some(r);
                vec![Effect::Marquee(Some(r))]
            }
        }
    }

    /// Pointer `pointer` went up at `at` (canvas pixels), over the input
    /// port of `over_input` if any.
    pub fn release(
        &mut self,
        pointer: i32,
        at: (f64, f64),
        over_input: Option<String>,
    ) -> Vec<Effect> {
        self.down.remove(&pointer);
        match self.gesture.take() {
            None => Vec::new(),
            Some(pinch @ Gesture::Pinch { .. }) => {
                // The pinch ends with the last finger; lifting one does not pan.
                if !self.down.is_empty() {
                    self.gesture = Some(pinch);
                }
                Vec::new()
            }
            Some(Gesture::Pan { .. }) => Vec::new(),
            Some(Gesture::Move { moved, card, pressed, .. }) => {
                let mut out = vec![Effect::CommitMove(moved)];
                if (at.0 - pressed.0).hypot(at.1 - pressed.1) < TAP_SLOP {
                    out.push(Effect::TappedCard(card));
                }
                out
            }
            Some(Gesture::Wire { id, pressed }) => {
                let tap = (at.0 - pressed.0).hypot(at.1 - pressed.1) < TAP_SLOP;
                let mut out = vec![Effect::WireEnd(None)];
                out.push(match over_input {
                    Some(to) => Effect::Connect { from: id, to },
                    // A tap on an output port arms it: a tap on an input port
                    // then wires them (touch has no drag to spare).
                    None if tap => Effect::ExplainTapWiring(id),
                    None => Effect::StopWiring,
                });
                out
            }
            Some(Gesture::Select { add, rect, .. }) => {
                let mut out = Vec::new();
                if let Some(rect) = rect {
                    out.push(Effect::SelectBox { rect, add });
                }
                out.push(Effect::Marquee(None));
                out
            }
        }
    }

    /// The browser took pointer `pointer` away (a system gesture).
    pub fn cancel(&mut self, pointer: i32) {
        self.down.remove(&pointer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type G = Gestures;

    fn press(pointer: i32, at: (f64, f64)) -> Press {
        Press {
            pointer,
            primary: pointer == 1,
            at,
            shift: false,
            space_pans: false,
            presenting: false,
        }
    }

    const VP: Viewport = Viewport { x: 40.0, y: 20.0, zoom: 2.0 };

    fn card(id: &str, selected: &[&str]) -> Target {
        let selection = selected.iter().map(|s| s.to_string()).collect();
        Target::Card { id: id.into(), selection }
    }

    fn moved(ids: &[&str], dx: f64, dy: f64) -> Moved {
        Moved { ids: ids.iter().map(|s| s.to_string()).collect(), dx, dy }
    }

    #[test]
    fn dragging_the_background_pans_by_the_pointer_and_clears_the_selection() {
        let mut g = G::default();
        let (out, taken) = g.press(press(1, (100.0, 100.0)), Target::Background, VP);
        assert!(taken);
        assert_eq!(out, vec![Effect::StopWiring, Effect::ClearSelection]);
        let out = g.drag(1, (130.0, 90.0), VP, None);
        assert_eq!(out, vec![Effect::Viewport(Viewport { x: 70.0, y: 10.0, zoom: 2.0 })]);
        assert!(g.release(1, (130.0, 90.0), None).is_empty());
        assert!(!g.active());
    }

    #[test]
    fn a_card_moves_by_the_drag_in_world_units_and_commits_once() {
        let mut g = G::default();
        let (out, _) = g.press(press(1, (100.0, 100.0)), card("a", &["b"]), VP);
        assert_eq!(out, vec![Effect::SelectOnly("a".into()), Effect::ClearSelectedLink]);
        // 50 screen pixels right at zoom 2 is 25 world units; the press point
        // inside the card does not matter, only the pointer's travel.
        let out = g.drag(1, (150.0, 100.0), VP, None);
        assert_eq!(out, vec![Effect::ShowMoved(Some(moved(&["a"], 25.0, 0.0)))]);
        // With the grid on (GRID = 20 world units), 25 snaps to 20.
        let out = g.drag(1, (150.0, 100.0), VP, Some(Flow::Across));
        assert_eq!(out, vec![Effect::ShowMoved(Some(moved(&["a"], 20.0, 0.0)))]);
        // What was shown last is what the document gets, once.
        let out = g.release(1, (150.0, 100.0), None);
        assert_eq!(out, vec![Effect::CommitMove(moved(&["a"], 20.0, 0.0))]);
    }

    #[test]
    fn a_card_pressed_and_let_go_in_place_is_a_tap() {
        let mut g = G::default();
        g.press(press(1, (100.0, 100.0)), card("a", &[]), VP);
        g.drag(1, (103.0, 104.0), VP, None);
        let out = g.release(1, (103.0, 104.0), None);
        let wiggle = moved(&["a"], 1.5, 2.0);
        assert_eq!(out, vec![Effect::CommitMove(wiggle), Effect::TappedCard("a".into())]);
        // Pressed and let go without a pointer move: a tap that moves nothing.
        g.press(press(1, (100.0, 100.0)), card("a", &[]), VP);
        let out = g.release(1, (100.0, 100.0), None);
        assert!(matches!(&out[0], Effect::CommitMove(m) if !m.is_move()), "{out:?}");
        // Beyond the slop it is a drag, not a tap.
        g.press(press(1, (100.0, 100.0)), card("a", &[]), VP);
        assert_eq!(g.release(1, (112.0, 100.0), None).len(), 1);
    }

    #[test]
    fn a_selected_card_takes_the_whole_selection_along() {
        let mut g = G::default();
        let (out, _) = g.press(press(1, (0.0, 0.0)), card("a", &["a", "b"]), VP);
        assert_eq!(out[0], Effect::Chart("a".into()));
        let out = g.drag(1, (20.0, 0.0), VP, None);
        assert_eq!(out, vec![Effect::ShowMoved(Some(moved(&["a", "b"], 10.0, 0.0)))]);
    }

    #[test]
    fn shift_toggles_a_card_and_shift_drag_on_the_background_selects_a_box() {
        let mut g = G::default();
        let shift = |p: Press| Press { shift: true, ..p };
        // Shift on a selected card takes it out: the others move without it.
        let (out, _) = g.press(shift(press(1, (0.0, 0.0))), card("a", &["a", "b"]), VP);
        assert_eq!(out[0], Effect::ToggleSelected("a".into()));
        let out = g.drag(1, (2.0, 0.0), VP, None);
        assert_eq!(out, vec![Effect::ShowMoved(Some(moved(&["b"], 1.0, 0.0)))]);
        g.release(1, (0.0, 0.0), None);

        let (out, _) = g.press(shift(press(1, (40.0, 20.0))), Target::Background, VP);
        assert_eq!(out, vec![Effect::StopWiring], "the selection stays");
        let rect = (0.0, 0.0, 30.0, 15.0); // screen (40, 20) to (100, 50) at zoom 2
        assert_eq!(g.drag(1, (100.0, 50.0), VP, None), vec![Effect::Marquee(Some(rect))]);
        let out = g.release(1, (100.0, 50.0), None);
        assert_eq!(out, vec![Effect::SelectBox { rect, add: true }, Effect::Marquee(None)]);
    }

    #[test]
    fn a_wire_dragged_to_an_input_port_connects_and_a_tap_explains_tap_wiring() {
        let mut g = G::default();
        let (out, _) = g.press(press(1, (100.0, 40.0)), Target::OutputPort("p".into()), VP);
        assert_eq!(out, vec![Effect::WireFrom("p".into()), Effect::WireEnd(Some((30.0, 10.0)))]);
        assert_eq!(g.drag(1, (140.0, 60.0), VP, None), vec![Effect::WireEnd(Some((50.0, 20.0)))]);
        let out = g.release(1, (140.0, 60.0), Some("s".into()));
        assert_eq!(out[1], Effect::Connect { from: "p".into(), to: "s".into() });

        // A tap (within the slop) arms the port; a drag that ends nowhere stops.
        g.press(press(1, (100.0, 40.0)), Target::OutputPort("p".into()), VP);
        assert_eq!(g.release(1, (104.0, 43.0), None)[1], Effect::ExplainTapWiring("p".into()));
        g.press(press(1, (100.0, 40.0)), Target::OutputPort("p".into()), VP);
        assert_eq!(g.release(1, (200.0, 40.0), None)[1], Effect::StopWiring);
    }

    #[test]
    fn a_second_finger_turns_a_half_move_into_a_pinch_that_zooms_about_the_fingers() {
        let mut g = G::default();
        g.press(press(1, (100.0, 100.0)), card("a", &[]), VP);
        g.drag(1, (110.0, 100.0), VP, None);
        let (out, taken) = g.press(press(2, (200.0, 100.0)), Target::InputPort, VP);
        assert!(taken, "a finger on an input port may start a pinch");
        assert_eq!(out[0], Effect::ShowMoved(None), "the card goes back");
        // Spread 90 to 180: zoom doubles about the midpoint (155, 100).
        let out = g.drag(2, (290.0, 100.0), VP, None);
        let Effect::Viewport(v) = out[0] else { panic!("{out:?}") };
        assert_eq!(v.zoom, 2.5, "clamped to the largest zoom");
        // Lifting one finger keeps the pinch; the last one ends it.
        assert!(g.release(1, (110.0, 100.0), None).is_empty());
        assert!(g.active());
        assert!(g.drag(2, (300.0, 100.0), VP, None).is_empty(), "one finger does not pan");
        g.release(2, (300.0, 100.0), None);
        assert!(!g.active());
    }

    #[test]
    fn space_pans_from_anywhere_and_presenter_mode_only_charts() {
        let mut g = G::default();
        let space = Press { space_pans: true, ..press(1, (10.0, 10.0)) };
        let (out, _) = g.press(space, card("a", &[]), VP);
        assert!(out.is_empty(), "no selection change: {out:?}");
        assert!(matches!(g.drag(1, (20.0, 10.0), VP, None)[0], Effect::Viewport(_)));
        g.release(1, (20.0, 10.0), None);

        let presenting = Press { presenting: true, ..press(1, (10.0, 10.0)) };
        let (out, taken) = g.press(presenting, card("a", &[]), VP);
        assert_eq!((out, taken), (vec![Effect::Chart("a".into())], true));
        assert!(!g.active());
    }

    #[test]
    fn an_input_port_alone_is_not_a_gesture() {
        let mut g = G::default();
        let (out, taken) = g.press(press(1, (0.0, 0.0)), Target::InputPort, VP);
        assert!(out.is_empty() && !taken && !g.active());
    }
}

//! Which way a pipeline reads on the canvas. A document's layout always
//! reads left to right (`Across`); on a portrait phone the same layout is
//! drawn top to bottom (`Down`), so a long pipeline fills the tall canvas
//! instead of shrinking to its width. The document never changes: `Down`
//! is a drawing of it, and edits made on it go back through the inverse.
//!
//! `Down` swaps the axes and scales each so that cards apart in the layout
//! stay apart on the canvas: two cards side by side are at least `CARD_W`
//! apart in x, which becomes `CARD_W × DOWN_Y >= CARD_H` in y, and two cards
//! one above the other at least `CARD_H` apart in y, which becomes
//! `CARD_H × DOWN_X >= CARD_W` in x. Both factors are exact binary fractions,
//! so a grid step goes there and back without rounding.

use sim_core::scenario::Position;

use super::GRID;
use super::doc::{CARD_H, CARD_W, snap};

/// Canvas x per layout y in `Down` (at least `CARD_W / CARD_H`).
const DOWN_X: f64 = 1.875;
/// Canvas y per layout x in `Down` (at least `CARD_H / CARD_W`, 0.564).
const DOWN_Y: f64 = 0.59375;

/// A screen narrower than this (CSS pixels), and taller than wide, may draw
/// a pipeline top to bottom: a phone held upright.
pub const PHONE_WIDTH: f64 = 640.0;

/// The direction data flows on the canvas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Flow {
    /// Left to right, as the layout is written: inputs on the left edge.
    #[default]
    Across,
    /// Top to bottom: inputs on the top edge.
    Down,
}

impl Flow {
    /// Where a card at layout position `p` is drawn.
    pub fn place(self, p: Position) -> Position {
        match self {
            Flow::Across => p,
            Flow::Down => Position { x: p.y * DOWN_X, y: p.x * DOWN_Y },
        }
    }

    /// The layout offset of a canvas offset (a drag).
    pub fn to_layout(self, (dx, dy): (f64, f64)) -> (f64, f64) {
        match self {
            Flow::Across => (dx, dy),
            Flow::Down => (dy / DOWN_Y, dx / DOWN_X),
        }
    }

    /// The canvas offset of a layout offset.
    pub fn to_canvas(self, (dx, dy): (f64, f64)) -> (f64, f64) {
        let p = self.place(Position { x: dx, y: dy });
        (p.x, p.y)
    }

    /// A canvas offset rounded so that the layout moves by whole grid steps.
    pub fn snap(self, shift: (f64, f64)) -> (f64, f64) {
        let (x, y) = self.to_layout(shift);
        self.to_canvas((snap(x, GRID), snap(y, GRID)))
    }

    /// The layout step of an arrow key pressed on the canvas: the card moves
    /// the way the arrow points, one grid step of the layout.
    pub fn step(self, (dx, dy): (f64, f64)) -> (f64, f64) {
        match self {
            Flow::Across => (dx, dy),
            Flow::Down => (dy, dx),
        }
    }

    /// Centre of a card's input port, from the card's top-left corner.
    pub fn input_port(self) -> (f64, f64) {
        match self {
            Flow::Across => (0.0, CARD_H / 2.0),
            Flow::Down => (CARD_W / 2.0, 0.0),
        }
    }

    /// Centre of a card's output port, from the card's top-left corner.
    pub fn output_port(self) -> (f64, f64) {
        match self {
            Flow::Across => (CARD_W, CARD_H / 2.0),
            Flow::Down => (CARD_W / 2.0, CARD_H),
        }
    }

    /// `(x, y)` moved `ahead` along the flow and `aside` across it.
    pub fn offset(self, (x, y): (f64, f64), ahead: f64, aside: f64) -> (f64, f64) {
        match self {
            Flow::Across => (x + ahead, y + aside),
            Flow::Down => (x + aside, y + ahead),
        }
    }

    /// A wire's path from `a` to `b`: leaving and arriving along the flow.
    pub fn curve(self, a: (f64, f64), b: (f64, f64)) -> String {
        let ahead = |p: (f64, f64)| match self {
            Flow::Across => p.0,
            Flow::Down => p.1,
        };
        let bend = ((ahead(b) - ahead(a)).abs() / 2.0).max(40.0);
        let (c1, c2) = (self.offset(a, bend, 0.0), self.offset(b, -bend, 0.0));
        format!("M {} {} C {} {}, {} {}, {} {}", a.0, a.1, c1.0, c1.1, c2.0, c2.1, b.0, b.1)
    }

    /// Which edge a wire is dropped on, in people's words.
    pub fn input_edge(self) -> &'static str {
        match self {
            Flow::Across => "left",
            Flow::Down => "top",
        }
    }

    /// The flow that shows `layout` (the cards' layout positions) largest
    /// on a `screen` of CSS pixels: `Down` only on an upright phone, and
    /// only when it draws the cards larger than `Across` does.
    pub fn for_screen(layout: &[Position], (width, height): (f64, f64)) -> Flow {
        if width >= PHONE_WIDTH || height <= width {
            return Flow::Across;
        }
        let fitted = |flow: Flow| {
            let placed: Vec<Position> = layout.iter().map(|&p| flow.place(p)).collect();
            super::doc::bounds(&placed)
                .map_or(0.0, |(x0, y0, x1, y1)| (width / (x1 - x0)).min(height / (y1 - y0)))
        };
        if fitted(Flow::Down) > fitted(Flow::Across) { Flow::Down } else { Flow::Across }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f64, y: f64) -> Position {
        Position { x, y }
    }

    /// Whether two cards' boxes overlap.
    fn overlap(a: Position, b: Position) -> bool {
        a.x < b.x + CARD_W && b.x < a.x + CARD_W && a.y < b.y + CARD_H && b.y < a.y + CARD_H
    }

    #[test]
    fn cards_apart_in_the_layout_stay_apart_drawn_down() {
        // Just apart: side by side, one above the other, and diagonally.
        let a = at(100.0, 60.0);
        for b in [at(100.0 + CARD_W, 60.0), at(100.0, 60.0 + CARD_H), at(-180.0, -98.0)] {
            assert!(!overlap(a, b));
            assert!(!overlap(Flow::Down.place(a), Flow::Down.place(b)), "{b:?}");
        }
    }

    #[test]
    fn a_drag_on_the_drawing_moves_the_layout_by_whole_grid_steps() {
        let shift = Flow::Down.snap((47.0, 31.0));
        let (lx, ly) = Flow::Down.to_layout(shift);
        assert_eq!((lx, ly), (60.0, 20.0), "down the canvas is along the layout's x");
        assert_eq!(Flow::Down.to_canvas((lx, ly)), shift);
        assert_eq!(Flow::Across.snap((47.0, 31.0)), (40.0, 40.0));
    }

    #[test]
    fn wires_leave_along_the_flow() {
        assert_eq!(Flow::Across.curve((0.0, 0.0), (100.0, 50.0)), "M 0 0 C 50 0, 50 50, 100 50");
        assert_eq!(Flow::Down.curve((0.0, 0.0), (50.0, 100.0)), "M 0 0 C 0 50, 50 50, 50 100");
    }

    #[test]
    fn an_upright_phone_draws_a_long_pipeline_down_and_a_wide_one_across() {
        let long = [at(0.0, 0.0), at(440.0, 0.0), at(880.0, 0.0)];
        assert_eq!(Flow::for_screen(&long, (390.0, 700.0)), Flow::Down);
        assert_eq!(Flow::for_screen(&long, (700.0, 390.0)), Flow::Across, "phone on its side");
        assert_eq!(Flow::for_screen(&long, (1440.0, 1600.0)), Flow::Across, "a tall monitor");
        // Four readers stacked in a column after one stream: wider than long once turned.
        let fan = [0.0, 200.0, 400.0, 600.0, 800.0].map(|y| at(440.0, y));
        let fan: Vec<Position> = std::iter::once(at(0.0, 400.0)).chain(fan).collect();
        assert_eq!(Flow::for_screen(&fan, (390.0, 700.0)), Flow::Across);
    }
}

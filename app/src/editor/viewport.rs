//! Pan and zoom: the world-to-screen transform of the canvas, as xyflow's
//! `Viewport {x, y, zoom}`: `screen = world × zoom + (x, y)`.

/// Smallest zoom.
pub const MIN_ZOOM: f64 = 0.2;
/// Largest zoom.
pub const MAX_ZOOM: f64 = 2.5;

/// The canvas transform.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// Screen x of the world origin.
    pub x: f64,
    /// Screen y of the world origin.
    pub y: f64,
    /// Screen pixels per world unit.
    pub zoom: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport { x: 40.0, y: 40.0, zoom: 1.0 }
    }
}

impl Viewport {
    /// The world point under screen point `(sx, sy)`.
    pub fn to_world(&self, sx: f64, sy: f64) -> (f64, f64) {
        ((sx - self.x) / self.zoom, (sy - self.y) / self.zoom)
    }

    /// The screen point of world point `(wx, wy)`.
    pub fn to_screen(&self, wx: f64, wy: f64) -> (f64, f64) {
        (wx * self.zoom + self.x, wy * self.zoom + self.y)
    }

    /// Zooms by `factor` keeping the world point under `(sx, sy)` in place.
    pub fn zoom_at(&self, sx: f64, sy: f64, factor: f64) -> Viewport {
        let zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let (wx, wy) = self.to_world(sx, sy);
        Viewport { x: sx - wx * zoom, y: sy - wy * zoom, zoom }
    }

    /// Shows the world box `(min_x, min_y, max_x, max_y)` centred in a
    /// `width × height` screen with `pad` pixels around, zooming in no
    /// further than `max_zoom`.
    pub fn fit(
        bounds: (f64, f64, f64, f64),
        (width, height): (f64, f64),
        pad: f64,
        max_zoom: f64,
    ) -> Viewport {
        let (w, h) = ((bounds.2 - bounds.0).max(1.0), (bounds.3 - bounds.1).max(1.0));
        let zoom =
            ((width - 2.0 * pad) / w).min((height - 2.0 * pad) / h).clamp(MIN_ZOOM, max_zoom);
        Viewport {
            x: (width - w * zoom) / 2.0 - bounds.0 * zoom,
            y: (height - h * zoom) / 2.0 - bounds.1 * zoom,
            zoom,
        }
    }

    /// Pans (never zooms) by as little as shows the world box `(min_x,
    /// min_y, max_x, max_y)` whole inside a `width × height` screen with
    /// `pad` pixels around; a box larger than the screen shows its top left.
    pub fn reveal(
        &self,
        bounds: (f64, f64, f64, f64),
        (width, height): (f64, f64),
        pad: f64,
    ) -> Viewport {
        let (x0, y0) = self.to_screen(bounds.0, bounds.1);
        let (x1, y1) = self.to_screen(bounds.2, bounds.3);
        // How far to move one axis so [lo, hi] lies within [pad, size - pad].
        let shift = |lo: f64, hi: f64, size: f64| {
            if hi > size - pad { (size - pad - hi).max(pad - lo) } else { (pad - lo).max(0.0) }
        };
        Viewport { x: self.x + shift(x0, x1, width), y: self.y + shift(y0, y1, height), ..*self }
    }

    /// The SVG transform attribute.
    pub fn transform(&self) -> String {
        format!("translate({} {}) scale({})", self.x, self.y, self.zoom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_world_screen_round_trips() {
        let v = Viewport { x: 13.0, y: -7.5, zoom: 0.8 };
        let (wx, wy) = v.to_world(200.0, 120.0);
        let (sx, sy) = v.to_screen(wx, wy);
        assert!((sx - 200.0).abs() < 1e-9 && (sy - 120.0).abs() < 1e-9);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let v = Viewport::default();
        let before = v.to_world(300.0, 150.0);
        let z = v.zoom_at(300.0, 150.0, 1.5);
        let after = z.to_world(300.0, 150.0);
        assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
        assert_eq!(v.zoom_at(0.0, 0.0, 100.0).zoom, MAX_ZOOM);
    }

    #[test]
    fn reveal_pans_just_enough_and_leaves_a_visible_box_alone() {
        let v = Viewport { x: 0.0, y: 0.0, zoom: 0.5 };
        let screen = (1000.0, 500.0);
        assert_eq!(v.reveal((100.0, 100.0, 300.0, 200.0), screen, 20.0), v);
        // Off to the right: its right edge comes to the padding.
        let r = v.reveal((2400.0, 100.0, 2600.0, 200.0), screen, 20.0);
        assert_eq!(r.to_screen(2600.0, 200.0).0, 980.0);
        assert_eq!((r.y, r.zoom), (0.0, 0.5));
        // Above and to the left: its top left comes to the padding.
        let r = v.reveal((-300.0, -300.0, -100.0, -200.0), screen, 20.0);
        assert_eq!(r.to_screen(-300.0, -300.0), (20.0, 20.0));
    }

    #[test]
    fn fit_puts_the_box_inside_the_screen() {
        let v = Viewport::fit((0.0, 0.0, 2000.0, 400.0), (1000.0, 500.0), 20.0, 1.0);
        let (x0, y0) = v.to_screen(0.0, 0.0);
        let (x1, y1) = v.to_screen(2000.0, 400.0);
        assert!(x0 >= 19.9 && x1 <= 980.1 && y0 >= 0.0 && y1 <= 500.0, "{v:?}");
        assert!((x0 + x1 - 1000.0).abs() < 1e-6, "centred");
        let small = Viewport::fit((0.0, 0.0, 100.0, 100.0), (1000.0, 500.0), 20.0, 1.5);
        assert_eq!(small.zoom, 1.5, "a small pipeline zooms in only so far");
    }
}

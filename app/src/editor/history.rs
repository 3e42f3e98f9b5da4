//! Undo and redo by document snapshots taken once per gesture (one drag,
//! one field commit, one paste), as egui's `Undoer` does. Selection and the
//! viewport are not history.

/// Past and undone documents.
#[derive(Clone, Debug)]
pub struct History<T> {
    undo: Vec<T>,
    redo: Vec<T>,
}

/// Most undo steps kept (egui's default).
pub const MAX_UNDOS: usize = 100;

impl<T: PartialEq> Default for History<T> {
    fn default() -> Self {
        History { undo: Vec::new(), redo: Vec::new() }
    }
}

impl<T: PartialEq> History<T> {
    /// Records that the document was `before` until an edit; clears redo.
    /// An edit that changed nothing is not a step.
    pub fn record(&mut self, before: T, after: &T) {
        if &before == after {
            return;
        }
        if self.undo.len() == MAX_UNDOS {
            self.undo.remove(0);
        }
        self.undo.push(before);
        self.redo.clear();
    }

    /// The document before the last edit, given the current one.
    pub fn undo(&mut self, current: T) -> Option<T> {
        let previous = self.undo.pop()?;
        self.redo.push(current);
        Some(previous)
    }

    /// The document the last undo left, given the current one.
    pub fn redo(&mut self, current: T) -> Option<T> {
        let next = self.redo.pop()?;
        self.undo.push(current);
        Some(next)
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_and_redo_walk_the_steps_and_a_new_edit_drops_redo() {
        let mut h = History::default();
        h.record(0, &1);
        h.record(1, &2);
        h.record(2, &2); // no change, no step
        assert_eq!(h.undo(2), Some(1));
        assert_eq!(h.undo(1), Some(0));
        assert_eq!(h.undo(0), None);
        assert_eq!(h.redo(0), Some(1));
        h.record(1, &5);
        assert!(!h.can_redo());
        assert_eq!(h.undo(5), Some(1));
    }

    #[test]
    fn history_keeps_the_last_hundred_steps() {
        let mut h = History::default();
        for i in 0..150 {
            h.record(i, &(i + 1));
        }
        let mut steps = 0;
        let mut current = 150;
        while let Some(prev) = h.undo(current) {
            current = prev;
            steps += 1;
        }
        assert_eq!((steps, current), (MAX_UNDOS, 50));
    }
}

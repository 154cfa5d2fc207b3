//! Keeping notes in step with other machines at start: conflict copies that
//! a file-sync tool or git left beside notes files are merged into them
//! before anything is read (see [`crate::annotations::ConflictReport`]).

use super::Session;
use super::errors::reason_first;

impl Session {
    /// Merges conflict copies in the notes folder and says what was done.
    pub(super) fn merge_conflict_copies(&mut self) {
        match self.store.merge_conflict_copies() {
            Ok(report) => {
                if let Some(message) = report.describe() {
                    let message = crate::text::clean(&message).into_owned();
                    if report.left.is_empty() {
                        self.app.info(message);
                    } else {
                        self.app.error(message);
                    }
                }
            }
            Err(e) => {
                let (reason, detail) = reason_first(&e);
                self.app
                    .error(format!("{reason}: conflict copies not merged ({detail})"));
            }
        }
    }
}

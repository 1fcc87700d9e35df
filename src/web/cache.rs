//! What the queue computes over all flags — counts per status for a filter, and the
//! filter menus — cached until any flag or site changes.
//!
//! Counting 100,000 flags per status costs 10–30 ms; the queue asks for the same counts
//! on every page it shows. The database keeps a generation number that triggers move on
//! every change to `flags` or `sites`, from any process (a crawl run by cron included),
//! so a cached answer is used only while that number stands still: never stale, and one
//! one-row read per request.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::review::FlagStatus;
use crate::store::review::{self as rv, FilterChoices, QueueFilter, Scope};
use crate::store::{Result, Store};

/// Entries kept at most; the cache is emptied when full (filters repeat a lot, and a
/// generation change empties it anyway).
const MAX_ENTRIES: usize = 1024;

#[derive(Default)]
struct Entries {
    generation: i64,
    counts: HashMap<(Scope, QueueFilter), Vec<(FlagStatus, i64)>>,
    choices: HashMap<Scope, FilterChoices>,
}

/// Counts and menus, valid for one generation of the flags.
#[derive(Default)]
pub struct QueueCache {
    entries: Mutex<Entries>,
}

impl QueueCache {
    /// The entries, emptied first when the flags moved on since they were filled.
    fn valid_for(&self, generation: i64) -> std::sync::MutexGuard<'_, Entries> {
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if e.generation != generation || e.counts.len() + e.choices.len() > MAX_ENTRIES {
            *e = Entries {
                generation,
                ..Entries::default()
            };
        }
        e
    }

    /// Flags per status for `filter` (its status ignored), as `rv::status_counts`, and
    /// the filter menus for `scope`, as `rv::filter_choices`: what a queue page shows
    /// besides its rows. The generation is read once for both.
    pub async fn counts_and_choices(
        &self,
        store: &Store,
        scope: &Scope,
        filter: &QueueFilter,
    ) -> Result<(Vec<(FlagStatus, i64)>, FilterChoices)> {
        let generation = rv::generation(store).await?;
        let key = (
            scope.clone(),
            QueueFilter {
                status: None,
                ..filter.clone()
            },
        );
        let (counts, choices) = {
            let e = self.valid_for(generation);
            (e.counts.get(&key).cloned(), e.choices.get(scope).cloned())
        };
        let counts = match counts {
            Some(hit) => hit,
            None => {
                let counts = rv::status_counts(store, scope, filter).await?;
                self.valid_for(generation)
                    .counts
                    .insert(key, counts.clone());
                counts
            }
        };
        let choices = match choices {
            Some(hit) => hit,
            None => {
                let choices = rv::filter_choices(store, scope).await?;
                self.valid_for(generation)
                    .choices
                    .insert(scope.clone(), choices.clone());
                choices
            }
        };
        Ok((counts, choices))
    }
}

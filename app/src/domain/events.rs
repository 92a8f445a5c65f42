//! The event log as the Admin Console reads it: who did what to which target, when and from
//! where, filtered by date, member and kind, newest first, a page at a time.

use super::{EventId, Millis, UserId};
use serde::{Deserialize, Serialize};

/// Events one page holds.
pub const EVENT_PAGE: usize = 100;

/// What the log is narrowed to; every part is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFilter {
    /// From this moment (Unix ms), inclusive.
    pub from: Option<Millis>,
    /// Before this moment (Unix ms).
    pub until: Option<Millis>,
    /// Only what this account did.
    pub actor: Option<UserId>,
    /// Only this kind (`member_invited`, `item_updated`…).
    pub kind: Option<String>,
}

impl EventFilter {
    /// Kinds are short snake_case words; anything else matches nothing and is refused.
    pub fn kind_problem(&self) -> Option<super::Problem> {
        self.kind.as_ref().and_then(|k| {
            (k.is_empty()
                || k.len() > 40
                || !k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            .then_some(super::Problem::Invalid)
        })
    }
}

/// Where the next (older) page starts: the last event's time and id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCursor {
    pub at: Millis,
    /// Checked as every id is, where it enters (a NUL or a megabyte of text never reaches SQL).
    pub id: EventId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    pub id: EventId,
    pub at: Millis,
    pub kind: String,
    pub actor_email: Option<String>,
    pub actor_name: Option<String>,
    /// The member, item, collection, group or organization it was about.
    pub target: Option<String>,
    /// The member it was about, by address as it was then (kept after they leave).
    pub target_email: Option<String>,
    pub detail: String,
    pub client_addr: String,
    /// The provider the actor acted through, if any (its name while it exists).
    #[serde(default)]
    pub provider: Option<super::ProviderId>,
    #[serde(default)]
    pub provider_name: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPage {
    pub events: Vec<EventRecord>,
    pub next: Option<EventCursor>,
}

/// Every kind the log records for organizations, for the filter.
pub const ORG_EVENT_KINDS: &[&str] = &[
    "org_created",
    "org_updated",
    "org_deleted",
    "member_invited",
    "member_reinvited",
    "member_accepted",
    "member_confirmed",
    "member_role_changed",
    "member_revoked",
    "member_restored",
    "member_removed",
    "member_left",
    "collection_created",
    "collection_renamed",
    "collection_deleted",
    "collection_access_set",
    "group_created",
    "group_updated",
    "group_deleted",
    "item_created",
    "item_updated",
    "item_trashed",
    "item_restored",
    "item_deleted",
    "item_collections_changed",
    "item_moved_in",
    "item_secrets_viewed",
    "items_secrets_read",
    "client_created",
    "client_added",
    "client_renamed",
    "client_seats_changed",
    "client_unlinked",
];

/// Every kind the log records for providers, for the filter (with the organization kinds their
/// staff cause inside clients).
pub const PROVIDER_EVENT_KINDS: &[&str] = &[
    "provider_created",
    "provider_enabled",
    "provider_disabled",
    "provider_deleted",
    "provider_setup_completed",
    "provider_updated",
    "provider_member_invited",
    "provider_member_reinvited",
    "provider_member_accepted",
    "provider_member_confirmed",
    "provider_member_role_changed",
    "provider_member_revoked",
    "provider_member_restored",
    "provider_member_removed",
    "client_created",
    "client_added",
    "client_renamed",
    "client_seats_changed",
    "client_unlinked",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_snake_case_words() {
        let with = |k: &str| EventFilter {
            kind: Some(k.into()),
            ..Default::default()
        };
        assert_eq!(with("member_invited").kind_problem(), None);
        assert!(with("x' OR 1=1").kind_problem().is_some());
        assert!(with("").kind_problem().is_some());
        assert_eq!(EventFilter::default().kind_problem(), None);
    }
}

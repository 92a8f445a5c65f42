//! Providers as the server and the browser see them: types, statuses, roles, the inputs people
//! type (checked here, on both sides), and the records the portal and the operator console read.
//! Who may ask for what is decided in `authz`; the counting rules (last provider admin, one
//! provider per organization) are checked in the transaction that changes them
//! (`db::providers`).

use super::org::{coded_enum, sealed_key_problem, MemberStatus, OrgRole, Plan, SEATS_MAX};
use super::validate::{email_problem, name_problem, normalize_email};
use super::{
    problem_if, AppError, Field, FieldError, Millis, OrgId, Problem, ProviderId, ProviderMemberId,
    UserId,
};
use serde::{Deserialize, Serialize};

/// Rows per page of every provider list (clients, members, the operator's providers).
pub const PROVIDER_PAGE_ROWS: usize = 50;
/// The longest search any provider list takes.
pub const PROVIDER_SEARCH_MAX: usize = 200;
/// Addresses one provider invitation may name.
pub const PROVIDER_INVITE_MAX: usize = 100;
/// Members one bulk call may name.
pub const PROVIDER_BULK_MAX: usize = 500;
/// An encrypted organization key is a short `v1.` string; anything longer is not one.
pub const WRAPPED_KEY_MAX: usize = 200;

coded_enum!(ProviderType {
    /// A managed service provider: administers its customers' organizations.
    Msp => "msp",
    /// A reseller: sells and sets up organizations for its customers.
    Reseller => "reseller",
});

coded_enum!(ProviderStatus {
    /// Created by an operator; waits for its first provider admin's setup.
    Pending => "pending",
    /// Set up: has a provider key and may have clients.
    Active => "active",
});

coded_enum!(ProviderRole {
    /// Everything a service user does, and the provider itself: members, settings, events,
    /// linking and unlinking clients.
    ProviderAdmin => "provider_admin",
    /// Administers every client organization and creates new ones.
    ServiceUser => "service_user",
});

/// Associated data binding a client's organization key, encrypted under the provider key, to
/// that provider and that organization: a copy moved to another link does not decrypt.
pub fn client_key_purpose(provider: &ProviderId, org: &OrgId) -> String {
    format!("keyhaven:provider-client:v1:{provider}:{org}")
}

/// An organization key encrypted under the provider key (`crypto::encstring`, 32 bytes inside).
pub fn wrapped_key_problem(text: &str) -> Option<Problem> {
    if text.is_empty() {
        return Some(Problem::Required);
    }
    if text.len() > WRAPPED_KEY_MAX {
        return Some(Problem::Invalid);
    }
    problem_if(
        !crate::crypto::encstring::EncString::parse(text)
            .and_then(|e| e.plaintext_len())
            .is_ok_and(|n| n == 32),
        Problem::Invalid,
    )
}

fn search_problem(search: &str) -> Option<Problem> {
    if search.chars().count() > PROVIDER_SEARCH_MAX {
        Some(Problem::TooLong {
            max: PROVIDER_SEARCH_MAX as u32,
        })
    } else if search.chars().any(char::is_control) {
        Some(Problem::Invalid)
    } else {
        None
    }
}

fn fields(pairs: impl IntoIterator<Item = (Field, Option<Problem>)>) -> Vec<FieldError> {
    pairs
        .into_iter()
        .filter_map(|(f, p)| p.map(|p| FieldError::new(f, p)))
        .collect()
}

/// What an operator types to create a provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProvider {
    pub name: String,
    pub provider_type: ProviderType,
    /// The address of an existing account: the provider's first provider admin.
    pub admin_email: String,
}

impl NewProvider {
    pub fn problems(&self) -> Vec<FieldError> {
        fields([
            (Field::ProviderName, name_problem(&self.name)),
            (Field::Email, email_problem(&self.admin_email)),
        ])
    }
}

/// What the operator sees after creating a provider: the prerequisites as a checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderCreated {
    pub provider: ProviderId,
    /// Whether the nominated admin is a confirmed owner of an enabled Enterprise organization of
    /// their own (not a client of any provider).
    pub admin_owns_enterprise_org: bool,
}

/// The operator's checklist before creating a provider, for the nominated admin's address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prerequisites {
    pub has_account: bool,
    /// A confirmed owner of an enabled Enterprise organization that no provider manages.
    pub owns_enterprise_org: bool,
}

/// The first provider admin's setup: settings, and the provider key made in the browser and
/// sealed to their own public key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderSetup {
    pub name: String,
    pub billing_email: String,
    pub sealed_provider_key: String,
}

impl ProviderSetup {
    pub fn problems(&self) -> Vec<FieldError> {
        fields([
            (Field::ProviderName, name_problem(&self.name)),
            (Field::BillingEmail, email_problem(&self.billing_email)),
            (
                Field::ProviderKey,
                sealed_key_problem(&self.sealed_provider_key),
            ),
        ])
    }
}

/// A provider's settings, as its admins change them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderSettings {
    pub name: String,
    pub billing_email: String,
}

impl ProviderSettings {
    pub fn problems(&self) -> Vec<FieldError> {
        fields([
            (Field::ProviderName, name_problem(&self.name)),
            (Field::BillingEmail, email_problem(&self.billing_email)),
        ])
    }

    pub fn cleaned(&self) -> ProviderSettings {
        ProviderSettings {
            name: self.name.trim().to_owned(),
            billing_email: normalize_email(&self.billing_email),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderInviteInput {
    pub emails: Vec<String>,
    pub role: ProviderRole,
}

impl ProviderInviteInput {
    pub fn problems(&self) -> Vec<FieldError> {
        let emails = if self.emails.is_empty() {
            Some(Problem::Required)
        } else if self.emails.len() > PROVIDER_INVITE_MAX {
            Some(Problem::LimitReached {
                max: PROVIDER_INVITE_MAX as u32,
            })
        } else {
            self.emails.iter().find_map(|e| email_problem(e))
        };
        let mut seen = std::collections::HashSet::new();
        let twice = self.emails.iter().any(|e| !seen.insert(normalize_email(e)));
        fields([(Field::Emails, emails.or(problem_if(twice, Problem::Taken)))])
    }
}

/// A change a provider admin makes to a provider member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderMemberChange {
    Role(ProviderRole),
    Revoke,
    Restore,
    Remove,
}

/// The provider key sealed to one accepted member's public key, by the confirming admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderConfirmation {
    pub member: ProviderMemberId,
    pub sealed_provider_key: String,
}

/// What each member of a bulk call came to, in the order asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMemberOutcome {
    pub member: ProviderMemberId,
    pub error: Option<AppError>,
}

/// A new client organization: its settings, its first owner (invited by address), its key
/// encrypted under the provider key (made in the browser, bound by `client_key_purpose` to the
/// provider and to `org`, which the browser therefore chooses), and its first collection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewClient {
    pub org: OrgId,
    pub name: String,
    pub billing_email: String,
    pub plan: Plan,
    pub seats: u32,
    pub owner_email: String,
    pub org_key: String,
    pub default_collection: String,
}

/// Clients are on the plans made for businesses.
pub fn client_plan_problem(plan: Plan) -> Option<Problem> {
    problem_if(plan == Plan::Free, Problem::Invalid)
}

fn client_seats_problem(seats: u32) -> Option<Problem> {
    problem_if(seats == 0 || seats > SEATS_MAX, Problem::OutOfRange)
}

impl NewClient {
    pub fn problems(&self) -> Vec<FieldError> {
        fields([
            (Field::OrgName, name_problem(&self.name)),
            (Field::BillingEmail, email_problem(&self.billing_email)),
            (Field::Plan, client_plan_problem(self.plan)),
            (Field::Seats, client_seats_problem(self.seats)),
            (Field::Emails, email_problem(&self.owner_email)),
            (Field::OrgKey, wrapped_key_problem(&self.org_key)),
            (
                Field::CollectionName,
                super::org::collection_name_problem(&self.default_collection),
            ),
        ])
    }
}

/// Adding an organization the caller owns as a client: its key, encrypted under the provider
/// key in the caller's browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkClient {
    pub org: OrgId,
    pub org_key: String,
}

/// Rename a client, or change its seats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientUpdate {
    pub name: String,
    pub seats: u32,
}

impl ClientUpdate {
    pub fn problems(&self) -> Vec<FieldError> {
        fields([
            (Field::OrgName, name_problem(&self.name)),
            (Field::Seats, client_seats_problem(self.seats)),
        ])
    }
}

/// The order of the Clients page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientSort {
    #[default]
    Name,
    Plan,
    Seats,
    Used,
    Added,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientQuery {
    pub search: String,
    pub sort: ClientSort,
    pub descending: bool,
    /// From 0.
    pub page: u32,
    /// Only clients that need attention.
    #[serde(default)]
    pub attention: bool,
}

impl ClientQuery {
    pub fn search_problem(&self) -> Option<Problem> {
        search_problem(&self.search)
    }
}

/// Why a client needs attention; all computed in SQL with the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attention {
    /// Members who accepted and wait for confirmation.
    pub waiting: u64,
    /// Every seat is taken.
    pub seats_full: bool,
    /// An owner's invitation is still open.
    pub owner_invited: bool,
    /// No confirmed, unrevoked owner of its own.
    pub no_owner: bool,
}

impl Attention {
    pub fn any(&self) -> bool {
        self.waiting > 0 || self.seats_full || self.owner_invited || self.no_owner
    }
}

/// One client organization on the Clients page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRecord {
    pub org: OrgId,
    pub name: String,
    pub plan: Plan,
    pub seats: u32,
    /// Seats taken (members not revoked, whatever their status).
    pub used: u32,
    pub linked_at: Millis,
    /// The organization key encrypted under the provider key.
    pub org_key: String,
    pub attention: Attention,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPage {
    pub clients: Vec<ClientRecord>,
    /// Clients matching the search and filter.
    pub matching: u64,
    /// All clients of the provider, and how many of them need attention.
    pub total: u64,
    pub needing_attention: u64,
}

/// An organization a provider admin may add as a client (they own it; teams or enterprise; no
/// provider yet).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkableOrg {
    pub org: OrgId,
    pub name: String,
    pub plan: Plan,
}

/// A provider as one of its members sees it in the switcher.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMembership {
    pub provider: ProviderId,
    pub name: String,
    /// Set at setup; `None` while the provider is pending.
    pub billing_email: Option<String>,
    pub provider_type: ProviderType,
    pub status: ProviderStatus,
    pub enabled: bool,
    pub member: ProviderMemberId,
    pub role: ProviderRole,
    pub member_status: MemberStatus,
    pub revoked: bool,
    /// The provider key sealed to the member's public key, once confirmed and not revoked.
    pub sealed_provider_key: Option<String>,
}

/// One provider member as provider admins see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMemberRecord {
    pub id: ProviderMemberId,
    pub user_id: Option<UserId>,
    pub email: String,
    pub name: Option<String>,
    pub role: ProviderRole,
    pub status: MemberStatus,
    pub revoked: bool,
    /// For confirming: the public key of an accepted, unrevoked member.
    pub public_key: Option<String>,
}

/// Which members the Members section lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderMemberFilter {
    #[default]
    All,
    Invited,
    NeedsConfirmation,
    Revoked,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMemberQuery {
    pub search: String,
    pub filter: ProviderMemberFilter,
    pub page: u32,
}

impl ProviderMemberQuery {
    pub fn search_problem(&self) -> Option<Problem> {
        search_problem(&self.search)
    }
}

/// A page of provider members, with the count matching and the count of each filter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMemberPage {
    pub members: Vec<ProviderMemberRecord>,
    pub matching: u64,
    pub all: u64,
    pub invited: u64,
    pub needs_confirmation: u64,
    pub revoked: u64,
}

/// What a provider invitation link shows before it is accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderInvitation {
    pub provider_name: String,
    pub email: String,
    pub has_account: bool,
}

/// The order of the operator's provider list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderSort {
    #[default]
    Name,
    Type,
    Status,
    Created,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderQuery {
    pub search: String,
    pub sort: ProviderSort,
    pub descending: bool,
    pub page: u32,
}

impl ProviderQuery {
    pub fn search_problem(&self) -> Option<Problem> {
        search_problem(&self.search)
    }
}

/// One provider in the operator console.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderSummary {
    pub id: ProviderId,
    pub name: String,
    pub provider_type: ProviderType,
    pub status: ProviderStatus,
    pub enabled: bool,
    pub clients: u64,
    pub members: u64,
    pub created_at: Millis,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderPage {
    pub providers: Vec<ProviderSummary>,
    pub matching: u64,
}

/// The provider that manages a client organization, as the client's people see it ("Managed by
/// …"): its name to everyone in the organization, and its staff, apart from the organization's
/// own members, to those who administer it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedBy {
    pub provider: ProviderId,
    pub name: String,
    /// Confirmed, unrevoked provider members (at most a page), for owners, admins and staff.
    pub staff: Vec<StaffRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRecord {
    pub email: String,
    pub name: Option<String>,
    pub role: ProviderRole,
}

/// Staff of a client's provider act in it with the powers of this role.
pub const STAFF_ORG_ROLE: OrgRole = OrgRole::Owner;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SymmetricKey;

    #[test]
    fn codes_round_trip() {
        for t in ProviderType::ALL {
            assert_eq!(ProviderType::from_code(t.code()), Some(*t));
        }
        for r in ProviderRole::ALL {
            assert_eq!(ProviderRole::from_code(r.code()), Some(*r));
        }
        assert_eq!(ProviderStatus::from_code("gone"), None);
    }

    #[test]
    fn inputs_are_checked() {
        let provider = ProviderId::from_stored("p".into());
        let org = OrgId::from_stored("o".into());
        let key = SymmetricKey::generate().expect("key");
        let wrapped = key
            .encrypt(
                SymmetricKey::generate().expect("key").as_bytes(),
                &client_key_purpose(&provider, &org),
            )
            .expect("encrypt");
        let ok = NewClient {
            org: org.clone(),
            name: "Customer".into(),
            billing_email: "billing@customer.test".into(),
            plan: Plan::Teams,
            seats: 5,
            owner_email: "owner@customer.test".into(),
            org_key: wrapped.as_str().to_owned(),
            default_collection: "Default collection".into(),
        };
        assert!(ok.problems().is_empty(), "{:?}", ok.problems());
        let bad = NewClient {
            plan: Plan::Free,
            seats: 0,
            owner_email: "nobody".into(),
            org_key: "v1.xchacha20poly1305.AAAA".into(),
            ..ok
        };
        let got: Vec<Field> = bad.problems().iter().map(|e| e.field).collect();
        assert_eq!(
            got,
            [Field::Plan, Field::Seats, Field::Emails, Field::OrgKey]
        );
        assert_eq!(wrapped_key_problem(""), Some(Problem::Required));
        assert_eq!(
            wrapped_key_problem(&"v".repeat(500)),
            Some(Problem::Invalid)
        );
        let invite = ProviderInviteInput {
            emails: vec!["a@x.test".into(), "A@x.test ".into()],
            role: ProviderRole::ServiceUser,
        };
        assert_eq!(
            invite.problems(),
            [FieldError::new(Field::Emails, Problem::Taken)]
        );
        let new = NewProvider {
            name: " ".into(),
            provider_type: ProviderType::Msp,
            admin_email: "x".into(),
        };
        assert_eq!(new.problems().len(), 2);
        let q = ClientQuery {
            search: "a\u{0}".into(),
            ..Default::default()
        };
        assert_eq!(q.search_problem(), Some(Problem::Invalid));
    }
}

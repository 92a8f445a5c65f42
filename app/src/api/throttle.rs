//! Applies `domain::throttle` to a request: counts an attempt in each of its scopes, in one
//! database transaction, before the attempt is checked (so parallel attempts cannot all pass one
//! gate), and refuses or delays it as the strictest scope says.

use crate::db::throttle::{self as store, Scope};
use crate::db::{now_ms, Db};
use crate::domain::throttle::{
    after_events, gate_for, strictest, take_back, Counter, Gate, Policy,
};
use crate::domain::AppError;

/// One scope an attempt is counted in.
#[derive(Clone, Copy, Debug)]
pub struct Check<'a> {
    pub scope: Scope,
    pub subject: &'a str,
    pub policy: Policy,
    /// How many events the attempt counts (the addresses of an invitation; usually 1).
    pub weight: u32,
}

impl<'a> Check<'a> {
    pub fn new(scope: Scope, subject: &'a str, policy: Policy) -> Self {
        Check {
            scope,
            subject,
            policy,
            weight: 1,
        }
    }

    /// An attempt that counts `weight` events at once, admitted only if all of them fit.
    pub fn weighted(scope: Scope, subject: &'a str, policy: Policy, weight: u32) -> Self {
        Check {
            weight,
            ..Check::new(scope, subject, policy)
        }
    }
}

/// An admitted attempt.
#[derive(Debug)]
pub struct Admitted {
    /// The counters as they were before this attempt, one per check.
    pub before: Vec<Counter>,
    /// The refusal to give if the attempt fails: a lock this very attempt brought about.
    pub lock: Option<AppError>,
}

fn throttled(ms: i64) -> AppError {
    AppError::Throttled {
        retry_after_secs: u32::try_from(ms / 1000 + 1).unwrap_or(u32::MAX),
    }
}

/// Counts the attempt in every scope of `checks`, or refuses it (counting nothing) when any scope
/// is locked; then waits as long as the strictest scope asks.
pub async fn admit(db: &Db, checks: &[Check<'_>]) -> Result<Admitted, AppError> {
    let now = now_ms();
    let subjects: Vec<(Scope, &str)> = checks.iter().map(|c| (c.scope, c.subject)).collect();
    // Decided once, inside the transaction, from the counters as they were.
    let mut verdict = Gate::Allow;
    let mut next = Vec::new();
    let before = store::update(db, &subjects, |counters| {
        let gates: Vec<Gate> = checks
            .iter()
            .zip(counters)
            .map(|(c, counter)| gate_for(c.policy, Some(*counter), now, c.weight))
            .collect();
        verdict = strictest(&gates);
        next = checks
            .iter()
            .zip(counters)
            .map(|(c, counter)| after_events(c.policy, Some(*counter), now, c.weight))
            .collect();
        (!matches!(verdict, Gate::Refuse { .. })).then(|| next.clone())
    })
    .await?;
    match verdict {
        Gate::Refuse { retry_after_ms } => return Err(throttled(retry_after_ms)),
        Gate::Delay(ms) => {
            if let Ok(ms @ 1..) = u64::try_from(ms) {
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            }
        }
        Gate::Allow => {}
    }
    let lock = next
        .iter()
        .filter_map(|c| c.locked_until)
        .max()
        .map(|until| throttled(until - now - 1000));
    Ok(Admitted { before, lock })
}

/// Takes `n` counted events back from one scope (see `domain::throttle::take_back`).
pub async fn forgive(db: &Db, check: Check<'_>, n: u32) -> Result<(), AppError> {
    store::update(db, &[(check.scope, check.subject)], |c| {
        Some(c.iter().map(|c| take_back(check.policy, *c, n)).collect())
    })
    .await?;
    Ok(())
}

/// Forgets a scope's counter.
pub async fn clear(db: &Db, scope: Scope, subject: &str) -> Result<(), AppError> {
    store::clear(db, scope, subject).await
}

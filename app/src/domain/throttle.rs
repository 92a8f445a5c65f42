//! Login throttling policy: pure arithmetic over a stored counter, so every server process that
//! shares the database applies the same limits.

use super::Millis;

/// Limits for one scope (an account, or a client address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Failures after which each further attempt is delayed.
    pub slow_after: u32,
    /// Failures after which attempts are refused until the lock ends.
    pub lock_after: u32,
    /// Failures older than this are forgotten.
    pub window_ms: Millis,
    pub lock_ms: Millis,
}

impl Policy {
    pub const ACCOUNT: Policy = Policy {
        slow_after: 3,
        lock_after: 5,
        window_ms: 15 * 60_000,
        lock_ms: 15 * 60_000,
    };
    /// An address may try several accounts (a shared office NAT), so it gets more room.
    pub const ADDRESS: Policy = Policy {
        slow_after: 10,
        lock_after: 20,
        window_ms: 15 * 60_000,
        lock_ms: 15 * 60_000,
    };
}

/// A stored counter with no lock in force and a window older than this is forgotten by `gate` and
/// `after_failure` alike, so it can be deleted (failures for unknown emails would otherwise pile up).
pub const FORGET_AFTER_MS: Millis = if Policy::ACCOUNT.window_ms > Policy::ADDRESS.window_ms {
    Policy::ACCOUNT.window_ms
} else {
    Policy::ADDRESS.window_ms
};

/// What the server stored for a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counter {
    pub failures: u32,
    pub window_started_at: Millis,
    pub locked_until: Option<Millis>,
}

/// What to do before checking the credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    Allow,
    /// Check, but only after waiting this long (slows guessing without locking people out).
    Delay(Millis),
    /// Refuse without checking.
    Refuse {
        retry_after_ms: Millis,
    },
}

pub fn gate(policy: Policy, counter: Option<Counter>, now: Millis) -> Gate {
    let Some(c) = counter else { return Gate::Allow };
    if let Some(until) = c.locked_until {
        if until > now {
            return Gate::Refuse {
                retry_after_ms: until - now,
            };
        }
    }
    if now - c.window_started_at > policy.window_ms {
        return Gate::Allow;
    }
    if c.failures >= policy.slow_after {
        let steps = i64::from(c.failures - policy.slow_after + 1);
        return Gate::Delay((steps * 500).min(3_000));
    }
    Gate::Allow
}

/// The counter after one more failure.
pub fn after_failure(policy: Policy, counter: Option<Counter>, now: Millis) -> Counter {
    let fresh = Counter {
        failures: 0,
        window_started_at: now,
        locked_until: None,
    };
    let mut c = match counter {
        Some(c) if now - c.window_started_at <= policy.window_ms => c,
        _ => fresh,
    };
    if c.locked_until.is_some_and(|u| u <= now) {
        c = fresh;
    }
    c.failures += 1;
    if c.failures >= policy.lock_after {
        c.locked_until = Some(now + policy.lock_ms);
    }
    c
}

/// The counter once an attempt that `after_failure` counted in advance turns out to have been
/// right: the attempt is taken back, and so is a lock that it alone brought about. (Attempts are
/// counted before they are checked, so that parallel guesses cannot all pass one gate.)
pub fn take_back(policy: Policy, counter: Counter) -> Counter {
    let mut c = counter;
    c.failures = c.failures.saturating_sub(1);
    if c.failures < policy.lock_after {
        c.locked_until = None;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slows_then_locks_then_forgets() {
        let p = Policy::ACCOUNT;
        let mut c = None;
        let mut gates = Vec::new();
        for i in 0..6 {
            let g = gate(p, c, i);
            gates.push(g);
            // A refused attempt is not checked, so it is not a failure either.
            if !matches!(g, Gate::Refuse { .. }) {
                c = Some(after_failure(p, c, i));
            }
        }
        assert_eq!(gates[0], Gate::Allow);
        assert_eq!(gates[2], Gate::Allow);
        assert_eq!(gates[3], Gate::Delay(500));
        assert_eq!(gates[4], Gate::Delay(1_000));
        assert!(matches!(gates[5], Gate::Refuse { .. }));
        // Still locked just before the lock ends, free after.
        assert_eq!(
            gate(p, c, 4 + p.lock_ms - 1),
            Gate::Refuse { retry_after_ms: 1 }
        );
        let later = 4 + p.lock_ms + 1;
        assert_eq!(gate(p, c, later), Gate::Allow);
        assert_eq!(after_failure(p, c, later).failures, 1);
    }

    #[test]
    fn a_right_attempt_is_taken_back_with_the_lock_it_caused() {
        let p = Policy::ADDRESS;
        let mut c = after_failure(p, None, 0);
        for i in 1..p.lock_after {
            c = after_failure(p, Some(c), i.into());
        }
        assert!(c.locked_until.is_some(), "the 20th attempt locks");
        let back = take_back(p, c);
        assert_eq!(back.failures, p.lock_after - 1);
        assert_eq!(back.locked_until, None);
        assert_eq!(gate(p, Some(back), 30), Gate::Delay(3_000));
        // A lock that earlier failures had already caused stays.
        let over = after_failure(p, Some(c), 31);
        assert!(take_back(p, over).locked_until.is_some());
        assert_eq!(
            take_back(
                p,
                Counter {
                    failures: 0,
                    window_started_at: 0,
                    locked_until: None
                }
            )
            .failures,
            0
        );
    }
}

//! Throttling policy: pure arithmetic over stored counters, so every server process that shares the
//! database applies the same limits.
//!
//! Login guesses are counted in three scopes at once, each with its own job:
//! - **account × address** locks: five wrong guesses from one address stop that address from
//!   guessing this account, and nobody else;
//! - **account** only slows down (a bounded delay), so guesses from many addresses cost time but
//!   can never lock the owner out;
//! - **address** locks an address that guesses across many accounts. Failures that the same
//!   person then follows with the right password are forgiven, so an office behind one address
//!   is not locked out by its own typing mistakes.

use super::Millis;

/// Limits for one scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Counted events after which each further attempt is delayed.
    pub slow_after: u32,
    /// Counted events after which attempts are refused until the lock ends (`u32::MAX`: never).
    pub lock_after: u32,
    /// Events older than this are forgotten.
    pub window_ms: Millis,
    pub lock_ms: Millis,
    /// The delay grows by this much per event past `slow_after`…
    pub delay_step_ms: Millis,
    /// …up to this bound.
    pub delay_max_ms: Millis,
}

const MINUTE: Millis = 60_000;
const NEVER: u32 = u32::MAX;

impl Policy {
    /// Wrong guesses for one account from one address.
    pub const PAIR: Policy = Policy {
        slow_after: 3,
        lock_after: 5,
        window_ms: 15 * MINUTE,
        lock_ms: 15 * MINUTE,
        delay_step_ms: 500,
        delay_max_ms: 3_000,
    };
    /// Wrong guesses for one account from anywhere: a distributed attack is slowed, the owner is
    /// never locked out.
    pub const ACCOUNT: Policy = Policy {
        slow_after: 10,
        lock_after: NEVER,
        window_ms: 15 * MINUTE,
        lock_ms: 0,
        delay_step_ms: 100,
        delay_max_ms: 2_000,
    };
    /// Wrong guesses from one address across all accounts (forgiven when followed by the right
    /// password for the same account).
    pub const ADDRESS: Policy = Policy {
        slow_after: 20,
        lock_after: 40,
        window_ms: 15 * MINUTE,
        lock_ms: 60 * MINUTE,
        delay_step_ms: 100,
        delay_max_ms: 2_000,
    };
    /// Wrong current passwords given by one signed-in session (a stolen session must not become a
    /// way to guess the password; login guesses elsewhere never block the owner's own session).
    pub const SESSION: Policy = Policy {
        slow_after: 3,
        lock_after: 5,
        window_ms: 15 * MINUTE,
        lock_ms: 15 * MINUTE,
        delay_step_ms: 500,
        delay_max_ms: 3_000,
    };
    /// Accounts created from one address (the count is the operator's setting).
    pub const REGISTER: Policy = Policy {
        slow_after: NEVER,
        lock_after: 30,
        window_ms: 60 * MINUTE,
        lock_ms: 60 * MINUTE,
        delay_step_ms: 0,
        delay_max_ms: 0,
    };
    /// Mails a stranger can make the server send (hints, verification links), per address.
    pub const MAIL_ADDRESS: Policy = Policy {
        slow_after: NEVER,
        lock_after: 20,
        window_ms: 60 * MINUTE,
        lock_ms: 60 * MINUTE,
        delay_step_ms: 0,
        delay_max_ms: 0,
    };
    /// The same, per recipient: nobody's mailbox is flooded.
    pub const MAIL_RECIPIENT: Policy = Policy {
        slow_after: NEVER,
        lock_after: 3,
        window_ms: 60 * MINUTE,
        lock_ms: 60 * MINUTE,
        delay_step_ms: 0,
        delay_max_ms: 0,
    };

    /// Invitation mails an account sends, each address counted, across its organizations: a
    /// call of 100 addresses counts 100, and a call that would pass the limit is refused whole.
    pub const INVITES: Policy = Policy {
        slow_after: NEVER,
        lock_after: 200,
        window_ms: 60 * MINUTE,
        lock_ms: 60 * MINUTE,
        delay_step_ms: 0,
        delay_max_ms: 0,
    };
    /// Invitation mails one address receives: an MSP may add a person to a few client
    /// organizations at once, nobody may flood a mailbox.
    pub const INVITE_RECIPIENT: Policy = Policy {
        slow_after: NEVER,
        lock_after: 10,
        window_ms: 60 * MINUTE,
        lock_ms: 60 * MINUTE,
        delay_step_ms: 0,
        delay_max_ms: 0,
    };

    /// Organizations one account creates a day: each has a quota of its own (items, bytes), so
    /// creating them without end would be a way around every quota.
    pub const ORG_CREATIONS: Policy = Policy {
        slow_after: NEVER,
        lock_after: 10,
        window_ms: 24 * 60 * MINUTE,
        lock_ms: 24 * 60 * MINUTE,
        delay_step_ms: 0,
        delay_max_ms: 0,
    };

    /// Client organizations one provider creates a day (its staff together): onboarding a
    /// batch of customers fits, an endless stream of quotas does not.
    pub const CLIENT_CREATIONS: Policy = Policy {
        slow_after: NEVER,
        lock_after: 100,
        window_ms: 24 * 60 * MINUTE,
        lock_ms: 24 * 60 * MINUTE,
        delay_step_ms: 0,
        delay_max_ms: 0,
    };

    pub const ALL: [Policy; 11] = [
        Policy::PAIR,
        Policy::ACCOUNT,
        Policy::ADDRESS,
        Policy::SESSION,
        Policy::REGISTER,
        Policy::MAIL_ADDRESS,
        Policy::MAIL_RECIPIENT,
        Policy::INVITES,
        Policy::INVITE_RECIPIENT,
        Policy::ORG_CREATIONS,
        Policy::CLIENT_CREATIONS,
    ];
}

/// A stored counter with no lock in force and a window older than this is forgotten by every
/// policy, so it can be deleted: the table holds only counters that still matter.
pub const FORGET_AFTER_MS: Millis = {
    let mut longest = 0;
    let mut i = 0;
    while i < Policy::ALL.len() {
        if Policy::ALL[i].window_ms > longest {
            longest = Policy::ALL[i].window_ms;
        }
        i += 1;
    }
    longest
};

/// What the server stored for a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counter {
    pub failures: u32,
    pub window_started_at: Millis,
    pub locked_until: Option<Millis>,
}

impl Counter {
    /// Events the policy still counts at `now` (0 once the window is over).
    pub fn live(&self, policy: Policy, now: Millis) -> u32 {
        if now - self.window_started_at > policy.window_ms {
            0
        } else {
            self.failures
        }
    }
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
    let live = c.live(policy, now);
    if live >= policy.slow_after {
        let steps = i64::from(live - policy.slow_after + 1);
        return Gate::Delay(
            steps
                .saturating_mul(policy.delay_step_ms)
                .min(policy.delay_max_ms),
        );
    }
    Gate::Allow
}

/// The strictest of several gates: any refusal (the longest), else the longest delay.
pub fn strictest(gates: &[Gate]) -> Gate {
    gates.iter().fold(Gate::Allow, |acc, g| match (acc, *g) {
        (Gate::Refuse { retry_after_ms: a }, Gate::Refuse { retry_after_ms: b }) => Gate::Refuse {
            retry_after_ms: a.max(b),
        },
        (r @ Gate::Refuse { .. }, _) | (_, r @ Gate::Refuse { .. }) => r,
        (Gate::Delay(a), Gate::Delay(b)) => Gate::Delay(a.max(b)),
        (d @ Gate::Delay(_), Gate::Allow) | (Gate::Allow, d @ Gate::Delay(_)) => d,
        (Gate::Allow, Gate::Allow) => Gate::Allow,
    })
}

/// The gate for an attempt that counts `n` events at once (an invitation to `n` addresses):
/// refused whole when the `n` would not fit under the lock, until the window starts over.
pub fn gate_for(policy: Policy, counter: Option<Counter>, now: Millis, n: u32) -> Gate {
    let plain = gate(policy, counter, now);
    if n <= 1 || policy.lock_after == NEVER || matches!(plain, Gate::Refuse { .. }) {
        return plain;
    }
    let live = counter.map_or(0, |c| c.live(policy, now));
    if live.saturating_add(n) > policy.lock_after {
        let window_ends = counter.map_or(now, |c| c.window_started_at + policy.window_ms);
        Gate::Refuse {
            retry_after_ms: (window_ends - now).max(1_000),
        }
    } else {
        plain
    }
}

/// The counter after one more event.
pub fn after_failure(policy: Policy, counter: Option<Counter>, now: Millis) -> Counter {
    after_events(policy, counter, now, 1)
}

/// The counter after `n` more events.
pub fn after_events(policy: Policy, counter: Option<Counter>, now: Millis, n: u32) -> Counter {
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
    c.failures = c.failures.saturating_add(n);
    if c.failures >= policy.lock_after {
        c.locked_until = Some(now + policy.lock_ms);
    }
    c
}

/// The counter once `n` counted events turn out not to have been guesses: the attempt that
/// `after_failure` counted in advance and proved right, plus (for an address) the same person's
/// earlier mistakes on that account. A lock they alone brought about goes with them. (Attempts
/// are counted before they are checked, so that parallel guesses cannot all pass one gate.)
pub fn take_back(policy: Policy, counter: Counter, n: u32) -> Counter {
    let mut c = counter;
    c.failures = c.failures.saturating_sub(n);
    if c.failures < policy.lock_after {
        c.locked_until = None;
    }
    c
}

/// The address a throttle counts under: IPv4 addresses as they are, IPv6 addresses by their /64
/// network (one subscriber commonly holds a whole /64, so counting single addresses would give
/// them 2⁶⁴ fresh starts). Anything unparsable is counted as it is.
pub fn address_subject(addr: &str) -> String {
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(ip) => ip.to_string(),
        Err(_) => addr.to_owned(),
    }
}

/// The subject of the account × address scope.
pub fn pair_subject(account: &str, address: &str) -> String {
    format!("{address} {account}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `n` attempts through `policy` as the server does (refused attempts are not checked,
    /// so they are not counted) and returns the gates met.
    fn attempts(policy: Policy, n: usize) -> (Vec<Gate>, Option<Counter>) {
        let mut c = None;
        let mut gates = Vec::new();
        for i in 0..n {
            let g = gate(policy, c, i as Millis);
            gates.push(g);
            if !matches!(g, Gate::Refuse { .. }) {
                c = Some(after_failure(policy, c, i as Millis));
            }
        }
        (gates, c)
    }

    #[test]
    fn weighted_attempts_count_every_event_and_never_pass_the_limit() {
        let p = Policy::INVITES;
        let now = 1_000_000;
        let mut c = None;
        for _ in 0..3 {
            assert_eq!(gate_for(p, c, now, 60), Gate::Allow);
            c = Some(after_events(p, c, now, 60));
        }
        assert_eq!(c.map(|c| c.failures), Some(180));
        // 180 + 60 would pass 200: refused whole, until the window is over.
        assert_eq!(
            gate_for(p, c, now + 1_000, 60),
            Gate::Refuse {
                retry_after_ms: p.window_ms - 1_000
            }
        );
        assert_eq!(gate_for(p, c, now, 20), Gate::Allow);
        let c = Some(after_events(p, c, now, 20));
        assert!(matches!(gate_for(p, c, now, 1), Gate::Refuse { .. }));
        assert_eq!(gate_for(p, c, now + p.window_ms + 1, 100), Gate::Allow);
    }

    #[test]
    fn a_pair_slows_then_locks_then_forgets() {
        let p = Policy::PAIR;
        let (gates, c) = attempts(p, 6);
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
    fn an_account_is_slowed_within_a_bound_and_never_locked() {
        let (gates, c) = attempts(Policy::ACCOUNT, 10_000);
        assert!(gates.iter().all(|g| !matches!(g, Gate::Refuse { .. })));
        assert_eq!(gates[9], Gate::Allow);
        assert_eq!(gates[10], Gate::Delay(100));
        assert_eq!(gates[9_999], Gate::Delay(Policy::ACCOUNT.delay_max_ms));
        assert_eq!(c.and_then(|c| c.locked_until), None);
    }

    #[test]
    fn an_address_guessing_across_accounts_is_refused() {
        let (gates, c) = attempts(Policy::ADDRESS, 41);
        assert!(gates[..40]
            .iter()
            .all(|g| !matches!(g, Gate::Refuse { .. })));
        assert!(
            matches!(gates[40], Gate::Refuse { retry_after_ms } if retry_after_ms > 59 * MINUTE)
        );
        assert!(c.is_some_and(|c| c.locked_until.is_some()));
    }

    #[test]
    fn mistakes_followed_by_the_right_password_are_forgiven() {
        let p = Policy::ADDRESS;
        let mut c = after_failure(p, None, 0);
        for i in 1..p.lock_after {
            c = after_failure(p, Some(c), i.into());
        }
        assert!(c.locked_until.is_some(), "the 40th attempt locks");
        let back = take_back(p, c, 1);
        assert_eq!(back.failures, p.lock_after - 1);
        assert_eq!(back.locked_until, None);
        assert_eq!(take_back(p, back, 3).failures, p.lock_after - 4);
        // A lock that earlier failures had already caused stays.
        let over = after_failure(p, Some(c), 41);
        assert!(take_back(p, over, 1).locked_until.is_some());
        let zero = Counter {
            failures: 0,
            window_started_at: 0,
            locked_until: None,
        };
        assert_eq!(take_back(p, zero, 5).failures, 0);
    }

    #[test]
    fn the_strictest_gate_wins() {
        let refuse = |ms| Gate::Refuse { retry_after_ms: ms };
        assert_eq!(strictest(&[]), Gate::Allow);
        assert_eq!(
            strictest(&[Gate::Allow, Gate::Delay(5), Gate::Delay(3)]),
            Gate::Delay(5)
        );
        assert_eq!(
            strictest(&[Gate::Delay(5), refuse(2), refuse(9)]),
            refuse(9)
        );
        assert_eq!(strictest(&[refuse(2), Gate::Allow]), refuse(2));
    }

    #[test]
    fn every_policy_forgets_within_the_purge_horizon() {
        for p in Policy::ALL {
            assert!(p.window_ms <= FORGET_AFTER_MS, "{p:?}");
            let c = after_failure(p, None, 0);
            assert_eq!(c.live(p, FORGET_AFTER_MS + 1), 0);
        }
    }

    #[test]
    fn addresses_are_counted_per_ipv4_host_and_ipv6_network() {
        assert_eq!(address_subject("203.0.113.9"), "203.0.113.9");
        assert_eq!(
            address_subject("2001:db8:1:2:aaaa::1"),
            address_subject("2001:db8:1:2:ffff::9")
        );
        assert_eq!(address_subject("2001:db8:1:2::5"), "2001:db8:1:2::/64");
        assert_ne!(
            address_subject("2001:db8:1:2::5"),
            address_subject("2001:db8:1:3::5")
        );
        assert_eq!(address_subject("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(address_subject("unknown"), "unknown");
    }
}

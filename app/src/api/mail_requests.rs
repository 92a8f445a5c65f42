//! What a stranger may ask the server to mail: a master password hint, or the link that verifies
//! an address before its account is created. Answers never say whether an account exists; both
//! requests are throttled per address and per recipient, so nobody's mailbox can be flooded.

use super::codec::Json;
use crate::domain::{AppError, Lang};
use leptos::prelude::*;

/// How this instance creates accounts.
#[server(prefix = "/api", endpoint = "signup_mode", input = Json, output = Json)]
pub async fn signup_mode() -> Result<bool, AppError> {
    ssr::answer(ssr::state().map(|st| st.require_email_verification))
}

/// Mails a link that creates an account with `email` (or, if it has one already, says so to
/// that address). Only where the instance verifies addresses first.
#[server(prefix = "/api", endpoint = "signup_start", input = Json, output = Json)]
pub async fn signup_start(email: String, language: Lang) -> Result<(), AppError> {
    ssr::answer(ssr::signup_start(email, language).await)
}

/// Whether a mailed sign-up link can still be used (it is not used up by asking).
#[server(prefix = "/api", endpoint = "signup_link_valid", input = Json, output = Json)]
pub async fn signup_link_valid(token: String, email: String) -> Result<bool, AppError> {
    ssr::answer(ssr::signup_link_valid(token, email).await)
}

/// Mails the master password hint of the account with `email`, if there is one.
#[server(prefix = "/api", endpoint = "password_hint", input = Json, output = Json)]
pub async fn password_hint(email: String) -> Result<(), AppError> {
    ssr::answer(ssr::password_hint(email).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    pub use crate::api::context::*;
    use crate::api::throttle::{admit, Check};
    use crate::db::throttle::Scope;
    use crate::db::{users, verifications};
    use crate::domain::throttle::{address_subject, Policy};
    use crate::domain::validate::{self, collect};
    use crate::domain::{AppError, Field, Lang};
    use crate::mail::{texts, Mail};

    /// Checks the email and counts one mail towards both limits; refuses past them (the same
    /// refusal whether or not an account exists).
    async fn admit_mail(st: &AppState, email: &str) -> Result<String, AppError> {
        collect([(Field::Email, validate::email_problem(email))])?;
        let norm = validate::normalize_email(email);
        let addr = address_subject(&client_addr(st.trust_proxy).await);
        admit(
            &st.db,
            &[
                Check::new(Scope::MailAddress, &addr, Policy::MAIL_ADDRESS),
                Check::new(Scope::MailRecipient, &norm, Policy::MAIL_RECIPIENT),
            ],
        )
        .await?;
        Ok(norm)
    }

    pub async fn password_hint(email: String) -> Result<(), AppError> {
        let st = state()?;
        let norm = admit_mail(&st, &email).await?;
        if let Some((to, lang, hint)) = users::hint_of(&st.db, &norm).await? {
            let (subject, body) =
                texts::hint(lang, hint.as_deref(), &format!("{}/login", st.public_url));
            st.mail.send_later(Mail { to, subject, body });
        }
        Ok(())
    }

    pub async fn signup_link_valid(token: String, email: String) -> Result<bool, AppError> {
        let st = state()?;
        if !st.require_email_verification {
            return Err(AppError::NotFound);
        }
        if validate::email_problem(&email).is_some() || token.len() > 200 {
            return Ok(false);
        }
        verifications::is_live(&st.db, &token, &validate::normalize_email(&email)).await
    }

    pub async fn signup_start(email: String, language: Lang) -> Result<(), AppError> {
        let st = state()?;
        if !st.require_email_verification {
            return Err(AppError::NotFound);
        }
        let norm = admit_mail(&st, &email).await?;
        let to = email.trim().to_owned();
        // A link is made either way (one for a taken address is refused as "taken" by the
        // registration it would allow), so both answers do the same work and take the same time.
        let token = verifications::create(&st.db, &norm).await?;
        let (subject, body) = if users::find_by_email(&st.db, &norm).await?.is_some() {
            texts::already_registered(language, &format!("{}/login", st.public_url))
        } else {
            let link = format!(
                "{}/register?token={token}&email={}",
                st.public_url,
                percent_encode(&to)
            );
            texts::verify(language, &link)
        };
        st.mail.send_later(Mail { to, subject, body });
        Ok(())
    }

    /// Encodes everything but unreserved characters, for a query value.
    fn percent_encode(text: &str) -> String {
        text.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn emails_are_encoded_for_a_link() {
            assert_eq!(
                super::percent_encode("Ann+x@Example.org"),
                "Ann%2Bx%40Example.org"
            );
        }
    }
}

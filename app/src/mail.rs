//! Mail (server only): over SMTP when `KEYHAVEN_SMTP_*` is configured, otherwise into a local
//! outbox folder of `.eml` files that the operator can read and the server logs. Mail is sent in
//! the background, so no answer waits for it, and none reveals by its timing whether a mail went
//! out (answers about whether an account exists must look alike).

use crate::domain::Lang;
use lettre::message::{header::ContentType, Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (usually port 465).
    Tls,
    /// Plain, then upgraded with STARTTLS, which must succeed (usually port 587).
    StartTls,
    /// No encryption: only for a relay on the same host or a test server.
    None,
}

#[derive(Clone, Debug)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
}

/// One mail to send, in plain text.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

/// Cheap to clone; shared by every request.
#[derive(Clone)]
pub struct Mailer {
    transport: Arc<Transport>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.transport {
            Transport::Smtp(_) => write!(f, "Mailer(smtp, from {})", self.from),
            Transport::Outbox(dir) => write!(f, "Mailer(outbox {})", dir.display()),
        }
    }
}

impl Mailer {
    pub fn smtp(settings: &SmtpSettings) -> Result<Mailer, String> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| format!("KEYHAVEN_SMTP_FROM is not a mail address: {e}"))?;
        let builder = match settings.security {
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host),
            Security::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
            }
            Security::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                &settings.host,
            )),
        }
        .map_err(|e| format!("KEYHAVEN_SMTP_HOST cannot be used: {e}"))?;
        let mut builder = builder
            .port(settings.port)
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer {
            transport: Arc::new(Transport::Smtp(builder.build())),
            from,
        })
    }

    pub fn outbox(dir: PathBuf) -> Mailer {
        Mailer {
            transport: Arc::new(Transport::Outbox(dir)),
            from: Mailbox::new(
                Some("Keyhaven".into()),
                lettre::Address::new("keyhaven", "localhost").expect("a valid address"),
            ),
        }
    }

    /// Whether mail really leaves the machine (only then can an address be verified).
    pub fn is_smtp(&self) -> bool {
        matches!(&*self.transport, Transport::Smtp(_))
    }

    /// Sends `mail` in the background; a failure is logged.
    pub fn send_later(&self, mail: Mail) {
        let mailer = self.clone();
        tokio::spawn(async move {
            let to = mail.to.clone();
            if let Err(e) = mailer.send(mail).await {
                tracing::warn!(to, error = %e, "a mail could not be sent");
            }
        });
    }

    pub async fn send(&self, mail: Mail) -> Result<(), String> {
        // The bare address, never a display name a sender could have chosen.
        let address: lettre::Address = mail
            .to
            .trim()
            .parse()
            .map_err(|e| format!("bad recipient: {e}"))?;
        let to = Mailbox::new(None, address);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(readable_body(mail.body))
            .map_err(|e| e.to_string())?;
        match &*self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await.map_err(|e| e.to_string())?;
                tracing::info!(to = mail.to, subject = mail.subject, "mail sent");
            }
            Transport::Outbox(dir) => {
                let path = dir.join(format!(
                    "{}-{}.eml",
                    crate::db::now_ms(),
                    crate::db::new_id()
                ));
                let bytes = message.formatted();
                let dir = dir.clone();
                let written = path.clone();
                tokio::task::spawn_blocking(move || {
                    std::fs::create_dir_all(&dir)?;
                    // Whole or not at all: whoever reads the outbox never sees half a mail.
                    let partial = written.with_extension("partial");
                    std::fs::write(&partial, bytes)?;
                    std::fs::rename(&partial, &written)
                })
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
                tracing::info!(
                    to = mail.to,
                    subject = mail.subject,
                    file = %path.display(),
                    "mail written to the outbox (no SMTP server is configured)"
                );
            }
        }
        Ok(())
    }
}

/// Always quoted-printable: readable as it is where it is plain ASCII, and one predictable
/// encoding for whoever reads the mails (a client, a test).
fn readable_body(text: String) -> lettre::message::Body {
    use lettre::message::{header::ContentTransferEncoding, Body};
    Body::new_with_encoding(text, ContentTransferEncoding::QuotedPrintable)
        .unwrap_or_else(Body::new)
}

/// The texts of the mails, per language. Kept apart from the UI's texts, which the browser
/// carries; these are only ever needed here.
pub mod texts {
    use super::Lang;

    pub fn hint(lang: Lang, hint: Option<&str>, login: &str) -> (String, String) {
        let subject = match lang {
            Lang::En => "Your Keyhaven master password hint",
            Lang::Nl => "De hint voor je Keyhaven-hoofdwachtwoord",
            Lang::Fr => "L'indice de votre mot de passe principal Keyhaven",
        };
        let body = match (lang, hint) {
            (Lang::En, Some(h)) => format!("Someone (hopefully you) asked for the hint of your master password.\n\nYour hint: {h}\n\nLog in here: {login}\n\nIf it was not you, you can ignore this mail: nobody can sign in with the hint alone."),
            (Lang::En, None) => format!("Someone (hopefully you) asked for the hint of your master password, but your account has no hint.\n\nKeyhaven cannot see or reset your master password. If you remember it after all, log in here: {login}\n\nIf it was not you, you can ignore this mail."),
            (Lang::Nl, Some(h)) => format!("Iemand (hopelijk jij) heeft de hint voor je hoofdwachtwoord opgevraagd.\n\nJe hint: {h}\n\nHier log je in: {login}\n\nWas jij het niet, dan kun je deze mail negeren: met de hint alleen kan niemand inloggen."),
            (Lang::Nl, None) => format!("Iemand (hopelijk jij) heeft de hint voor je hoofdwachtwoord opgevraagd, maar je account heeft geen hint.\n\nKeyhaven kan je hoofdwachtwoord niet zien of herstellen. Weet je het toch weer, log dan hier in: {login}\n\nWas jij het niet, dan kun je deze mail negeren."),
            (Lang::Fr, Some(h)) => format!("Quelqu'un (vous, nous l'espérons) a demandé l'indice de votre mot de passe principal.\n\nVotre indice : {h}\n\nConnectez-vous ici : {login}\n\nSi ce n'était pas vous, ignorez ce message : l'indice seul ne permet à personne de se connecter."),
            (Lang::Fr, None) => format!("Quelqu'un (vous, nous l'espérons) a demandé l'indice de votre mot de passe principal, mais votre compte n'a pas d'indice.\n\nKeyhaven ne peut ni voir ni réinitialiser votre mot de passe principal. S'il vous revient, connectez-vous ici : {login}\n\nSi ce n'était pas vous, ignorez ce message."),
        };
        (subject.to_owned(), body)
    }

    pub fn verify(lang: Lang, link: &str) -> (String, String) {
        let subject = match lang {
            Lang::En => "Create your Keyhaven account",
            Lang::Nl => "Maak je Keyhaven-account aan",
            Lang::Fr => "Créez votre compte Keyhaven",
        };
        let body = match lang {
            Lang::En => format!("Open this link to create your Keyhaven account with this address. It works for 24 hours.\n\n{link}\n\nIf you did not ask for it, you can ignore this mail."),
            Lang::Nl => format!("Open deze link om met dit adres je Keyhaven-account aan te maken. De link werkt 24 uur.\n\n{link}\n\nHeb je hier niet om gevraagd, dan kun je deze mail negeren."),
            Lang::Fr => format!("Ouvrez ce lien pour créer votre compte Keyhaven avec cette adresse. Il est valable 24 heures.\n\n{link}\n\nSi vous ne l'avez pas demandé, ignorez ce message."),
        };
        (subject.to_owned(), body)
    }

    pub fn already_registered(lang: Lang, login: &str) -> (String, String) {
        let subject = match lang {
            Lang::En => "You already have a Keyhaven account",
            Lang::Nl => "Je hebt al een Keyhaven-account",
            Lang::Fr => "Vous avez déjà un compte Keyhaven",
        };
        let body = match lang {
            Lang::En => format!("Someone (hopefully you) asked to create a Keyhaven account with this address, but it already has one. Log in here:\n\n{login}\n\nIf it was not you, you can ignore this mail."),
            Lang::Nl => format!("Iemand (hopelijk jij) wilde met dit adres een Keyhaven-account aanmaken, maar er bestaat er al een. Log hier in:\n\n{login}\n\nWas jij het niet, dan kun je deze mail negeren."),
            Lang::Fr => format!("Quelqu'un (vous, nous l'espérons) a demandé à créer un compte Keyhaven avec cette adresse, mais elle en a déjà un. Connectez-vous ici :\n\n{login}\n\nSi ce n'était pas vous, ignorez ce message."),
        };
        (subject.to_owned(), body)
    }

    /// A name as a mail shows it: plain characters only. Names are checked when they are made
    /// (`validate::shown_text_problem`); this also covers names stored before that check, so no
    /// invisible or direction-changing character reaches a mail.
    pub fn shown(name: &str) -> String {
        name.chars()
            .filter(|c| !c.is_control() && !crate::domain::validate::is_hidden_char(*c))
            .collect()
    }

    pub fn invitation(lang: Lang, org: &str, inviter: &str, link: &str) -> (String, String) {
        let (org, inviter) = (&shown(org), &shown(inviter));
        let subject = match lang {
            Lang::En => format!("Join “{org}” on Keyhaven"),
            Lang::Nl => format!("Word lid van “{org}” op Keyhaven"),
            Lang::Fr => format!("Rejoignez « {org} » sur Keyhaven"),
        };
        let body = match lang {
            Lang::En => format!("{inviter} invited you to the organization “{org}” on Keyhaven, to share passwords and other items.\n\nOpen this link to accept. It works for 5 days, and only for this address; if you have no account yet, you can create one there.\n\n{link}\n\nAfter you accept, an administrator confirms you before you can open shared items.\n\nIf you did not expect this, you can ignore this mail."),
            Lang::Nl => format!("{inviter} heeft je uitgenodigd voor de organisatie “{org}” op Keyhaven, om wachtwoorden en andere items te delen.\n\nOpen deze link om de uitnodiging te accepteren. De link werkt 5 dagen en alleen voor dit adres; heb je nog geen account, dan kun je er daar een aanmaken.\n\n{link}\n\nNa het accepteren bevestigt een beheerder je, voordat je gedeelde items kunt openen.\n\nHad je dit niet verwacht, dan kun je deze mail negeren."),
            Lang::Fr => format!("{inviter} vous a invité dans l'organisation « {org} » sur Keyhaven, pour partager des mots de passe et d'autres éléments.\n\nOuvrez ce lien pour accepter. Il est valable 5 jours, et seulement pour cette adresse ; si vous n'avez pas encore de compte, vous pourrez en créer un.\n\n{link}\n\nAprès votre acceptation, un administrateur vous confirme avant que vous puissiez ouvrir les éléments partagés.\n\nSi vous ne vous y attendiez pas, ignorez ce message."),
        };
        (subject, body)
    }

    pub fn provider_invitation(
        lang: Lang,
        provider: &str,
        inviter: &str,
        link: &str,
    ) -> (String, String) {
        let subject = match lang {
            Lang::En => format!("Join the provider {provider} on Keyhaven"),
            Lang::Nl => format!("Word lid van de provider {provider} op Keyhaven"),
            Lang::Fr => format!("Rejoignez le fournisseur {provider} sur Keyhaven"),
        };
        let body = match lang {
            Lang::En => format!("{inviter} invited you to the provider {provider} on Keyhaven, to administer its client organizations.\n\nOpen this link to accept. It works for 5 days, and only for this address; if you have no account yet, you can create one there.\n\n{link}\n\nAfter you accept, a provider admin confirms you before you can open client organizations.\n\nIf you did not expect this, you can ignore this mail."),
            Lang::Nl => format!("{inviter} heeft je uitgenodigd voor de provider {provider} op Keyhaven, om de klantorganisaties te beheren.\n\nOpen deze link om de uitnodiging te accepteren. De link werkt 5 dagen en alleen voor dit adres; heb je nog geen account, dan kun je er daar een aanmaken.\n\n{link}\n\nNa het accepteren bevestigt een providerbeheerder je, voordat je klantorganisaties kunt openen.\n\nHad je dit niet verwacht, dan kun je deze mail negeren."),
            Lang::Fr => format!("{inviter} vous a invité chez le fournisseur {provider} sur Keyhaven, pour administrer ses organisations clientes.\n\nOuvrez ce lien pour accepter. Il est valable 5 jours, et seulement pour cette adresse ; si vous n'avez pas encore de compte, vous pourrez en créer un.\n\n{link}\n\nAprès votre acceptation, un administrateur du fournisseur vous confirme avant que vous puissiez ouvrir les organisations clientes.\n\nSi vous ne vous y attendiez pas, ignorez ce message."),
        };
        (subject, body)
    }

    pub fn provider_setup(lang: Lang, provider: &str, link: &str) -> (String, String) {
        let subject = match lang {
            Lang::En => format!("Set up the provider {provider} on Keyhaven"),
            Lang::Nl => format!("Richt de provider {provider} in op Keyhaven"),
            Lang::Fr => format!("Configurez le fournisseur {provider} sur Keyhaven"),
        };
        let body = match lang {
            Lang::En => format!("The operators of this Keyhaven instance created the provider {provider} and named you its first provider admin.\n\nOpen this link, signed in with this address, to complete the setup: the provider's name, billing email and key (made in your browser).\n\n{link}\n\nIf you did not expect this, you can ignore this mail."),
            Lang::Nl => format!("De beheerders van deze Keyhaven-omgeving hebben de provider {provider} aangemaakt en jou de eerste providerbeheerder gemaakt.\n\nOpen deze link, ingelogd met dit adres, om de inrichting af te ronden: de naam, het factuuradres en de sleutel van de provider (gemaakt in je browser).\n\n{link}\n\nHad je dit niet verwacht, dan kun je deze mail negeren."),
            Lang::Fr => format!("Les opérateurs de cette instance Keyhaven ont créé le fournisseur {provider} et vous en ont nommé le premier administrateur.\n\nOuvrez ce lien, connecté avec cette adresse, pour terminer la configuration : le nom du fournisseur, son adresse de facturation et sa clé (créée dans votre navigateur).\n\n{link}\n\nSi vous ne vous y attendiez pas, ignorez ce message."),
        };
        (subject, body)
    }
}

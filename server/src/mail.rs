//! Emailing attendees their sign-in link, through the organizers' own SMTP
//! server (`serve --smtp-host …`, README "Email"). Messages are plain text:
//! a link, the code for typing, and why it must not be shared.

use std::sync::Mutex;
use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::signin::{Card, PublicUrl};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tls {
    /// Plain SMTP: only for a relay on the same machine or a test sink.
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl Tls {
    fn default_port(self) -> u16 {
        match self {
            Tls::None => 25,
            Tls::Starttls => 587,
            Tls::Tls => 465,
        }
    }
}

/// The organizers' SMTP server.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub host: String,
    pub port: Option<u16>,
    pub tls: Tls,
    pub user: Option<String>,
    pub password: Option<String>,
    /// The sender, like `ESP Conference <esp@nea.example.org>`.
    pub from: String,
    /// Named in the subject and the greeting.
    pub conference: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the sender “{0}” is not an email address (like ESP Conference <esp@nea.example.org>)")]
    BadSender(String),
    #[error("“{0}” is not an email address")]
    BadRecipient(String),
    #[error("{0} has no email address")]
    NoAddress(String),
    #[error("the SMTP server {host} cannot be used: {reason}")]
    Setup { host: String, reason: String },
    #[error("the message was not sent: {0}")]
    Send(String),
}

/// Sends through one SMTP server; cheap to share.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    conference: String,
    /// The bulk sending in progress or last finished, for the console.
    pub run: Mutex<MailRun>,
}

/// A bulk sending of sign-in links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailRun {
    pub running: bool,
    pub sent: usize,
    pub failed: usize,
    pub last_error: Option<String>,
}

/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

impl Mailer {
    pub fn new(settings: &MailSettings) -> Result<Self, MailError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|_| MailError::BadSender(settings.from.clone()))?;
        let setup = |e: lettre::transport::smtp::Error| MailError::Setup {
            host: settings.host.clone(),
            reason: e.to_string(),
        };
        let builder = match settings.tls {
            Tls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
            Tls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
                .map_err(setup)?,
            Tls::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host).map_err(setup)?
            }
        };
        let mut builder = builder
            .port(settings.port.unwrap_or(settings.tls.default_port()))
            .timeout(Some(SMTP_TIMEOUT));
        if let Some(user) = &settings.user {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                settings.password.clone().unwrap_or_default(),
            ));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            conference: settings.conference.clone(),
            run: Mutex::new(MailRun::default()),
        })
    }

    /// Emails `card`'s owner their sign-in link.
    pub async fn send_signin(&self, card: &Card, url: &PublicUrl) -> Result<(), MailError> {
        let message = signin_message(&self.from, &self.conference, card, url)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Send(e.to_string()))
    }

    pub fn run(&self) -> MailRun {
        self.run.lock().map(|r| r.clone()).unwrap_or_default()
    }

    pub fn update_run(&self, change: impl FnOnce(&mut MailRun)) {
        if let Ok(mut run) = self.run.lock() {
            change(&mut run);
        }
    }
}

/// The email that carries `card`'s sign-in link.
pub fn signin_message(
    from: &Mailbox,
    conference: &str,
    card: &Card,
    url: &PublicUrl,
) -> Result<Message, MailError> {
    let address = card
        .email
        .as_deref()
        .ok_or_else(|| MailError::NoAddress(card.name()))?;
    let to = Mailbox::new(
        Some(card.name()),
        address
            .parse()
            .map_err(|_| MailError::BadRecipient(address.to_owned()))?,
    );
    let body = format!(
        "Hello {first},\n\n\
         this is your sign-in link for Hallpass, the app of {conference}. \
         Open it on your phone and you are signed in; after that the app works without internet:\n\n\
         {link}\n\n\
         Or open {signin} and type your sign-in code:\n\n\
         {code}\n\n\
         Keep this email to yourself: the link and the code sign in as you. \
         Your badge code ({badge}) is for check-in kiosks and mentoring partners; it signs nobody in.\n\n\
         If you did not expect this email, you can ignore it.\n",
        first = card.first_name,
        link = url.link(&card.code),
        signin = format_args!("{}/signin", url.as_str()),
        code = card.code.grouped(),
        badge = card.badge_code,
    );
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(format!("Your sign-in link for {conference}"))
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| MailError::Send(e.to_string()))
}

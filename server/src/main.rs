//! `hallpass`: the server and its command line. `hallpass --help` lists the
//! subcommands; `hallpass serve --demo` starts the demo conference at
//! http://127.0.0.1:3000.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::signin::PublicUrl;
use server::{AppState, Store, demo, import, leptos_options, store};

fn parse_public_url(value: &str) -> Result<PublicUrl, String> {
    PublicUrl::parse(value).map_err(|e| e.to_string())
}

/// The public address when none is given and nothing is listening.
const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:3000";

#[derive(Parser)]
#[command(
    name = "hallpass",
    version,
    about = "Offline-first conference companion for Education Support Professionals"
)]
struct Cli {
    /// The SQLite database file (created if missing).
    #[arg(
        long,
        global = true,
        env = "HALLPASS_DB",
        default_value = "hallpass.sqlite"
    )]
    db: PathBuf,
    /// Where phones reach this server, like https://hallpass.example.org:
    /// sign-in links, cards and emails use it. `serve` defaults to the
    /// address it listens on; the other commands to http://127.0.0.1:3000.
    #[arg(long, global = true, env = "HALLPASS_PUBLIC_URL", value_parser = parse_public_url)]
    public_url: Option<PublicUrl>,
    /// Who checkpoints the database's write-ahead log: the server itself,
    /// or Litestream where it replicates the file (docs/DEPLOY.md).
    #[arg(
        long,
        global = true,
        env = "HALLPASS_CHECKPOINTS",
        value_enum,
        default_value = "server"
    )]
    checkpoints: store::Checkpoints,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and the sync API (the default).
    Serve(ServeArgs),
    /// Import a CSV file (formats in the README).
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Check-in kiosks.
    Kiosk {
        #[command(subcommand)]
        what: KioskWhat,
    },
    /// Attendees' sign-in links.
    Attendee {
        #[command(subcommand)]
        what: AttendeeWhat,
    },
    /// Organizer accounts for the back office at /admin.
    Organizer {
        #[command(subcommand)]
        what: OrganizerWhat,
    },
    /// Write a consistent copy of the database to FILE, while it serves.
    Backup { file: PathBuf },
    /// Replace the database with FILE (a backup, or what `litestream
    /// restore` wrote), with the server stopped. Devices then send what the
    /// copy lacks.
    Restore { file: PathBuf },
    /// Demo data, for trying Hallpass at scale.
    Demo {
        #[command(subcommand)]
        what: DemoWhat,
    },
}

#[derive(Subcommand)]
enum DemoWhat {
    /// Print an attendees.csv of COUNT made-up people (the demo's first
    /// ones, then more), to import with `import attendees`.
    Roster {
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        count: u64,
    },
}

#[derive(Subcommand)]
enum AttendeeWhat {
    /// Print the sign-in link and code of the attendee with BADGE_CODE.
    Link { badge_code: String },
    /// Give the attendee with BADGE_CODE a new sign-in code and print it:
    /// the old one stops working; devices already signed in keep working.
    Reissue { badge_code: String },
}

#[derive(Subcommand)]
enum OrganizerWhat {
    /// Make an account; the password (at least 12 characters) is read from
    /// standard input, its first line.
    Add { email: String },
    /// List the accounts, with their open sessions and tokens.
    List,
    /// Remove an account: its sessions end and its tokens stop working at once.
    Remove { email: String },
}

#[derive(Subcommand)]
enum KioskWhat {
    /// Print a single-use pairing code for a kiosk called NAME.
    Pair {
        name: String,
        /// How long the code works, in minutes.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=10080))]
        minutes: u64,
    },
}

#[derive(clap::Args, Default)]
struct ServeArgs {
    /// Address to listen on; defaults to LEPTOS_SITE_ADDR, then 127.0.0.1:3000.
    #[arg(long)]
    addr: Option<SocketAddr>,
    /// Load the demo conference if the database is empty, and print sample sign-ins.
    #[arg(long)]
    demo: bool,
    /// Where the built site (pkg/, icons, manifest) is; defaults to LEPTOS_SITE_ROOT, then target/site.
    #[arg(long)]
    site_root: Option<PathBuf>,
    /// A reverse proxy in front of this server (repeat, or comma-separated
    /// in HALLPASS_TRUSTED_PROXIES): its X-Forwarded-For names the client,
    /// so that sign-in limits count each client, not the proxy.
    #[arg(
        long = "trusted-proxy",
        env = "HALLPASS_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    #[command(flatten)]
    mail: MailArgs,
}

/// The SMTP server that emails attendees their sign-in links. Without
/// `--smtp-host` the console prints cards only.
#[derive(clap::Args, Default)]
struct MailArgs {
    /// SMTP server's host name.
    #[arg(long, env = "HALLPASS_SMTP_HOST")]
    smtp_host: Option<String>,
    /// Its port; defaults to 587 for starttls, 465 for tls, 25 for none.
    #[arg(long, env = "HALLPASS_SMTP_PORT")]
    smtp_port: Option<u16>,
    /// How the connection is secured.
    #[arg(
        long,
        env = "HALLPASS_SMTP_TLS",
        value_enum,
        default_value = "starttls"
    )]
    smtp_tls: Option<server::mail::Tls>,
    /// User name to authenticate with (the password comes from HALLPASS_SMTP_PASSWORD).
    #[arg(long, env = "HALLPASS_SMTP_USER")]
    smtp_user: Option<String>,
    /// Password for --smtp-user; set it in the environment, not on the command line.
    #[arg(long, env = "HALLPASS_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// The sender, like "ESP Conference <esp@nea.example.org>".
    #[arg(long, env = "HALLPASS_MAIL_FROM")]
    mail_from: Option<String>,
    /// The conference's name, for the email's subject.
    #[arg(long, env = "HALLPASS_CONFERENCE_NAME")]
    conference_name: Option<String>,
}

impl MailArgs {
    fn mailer(&self, demo: bool) -> Result<Option<server::mail::Mailer>, String> {
        let Some(host) = &self.smtp_host else {
            return Ok(None);
        };
        let from = self
            .mail_from
            .clone()
            .ok_or("--smtp-host needs --mail-from (the sender of the sign-in emails)")?;
        let conference = self.conference_name.clone().unwrap_or_else(|| {
            if demo {
                demo::CONFERENCE_NAME
            } else {
                "the conference"
            }
            .to_owned()
        });
        server::mail::Mailer::new(&server::mail::MailSettings {
            host: host.clone(),
            port: self.smtp_port,
            tls: self.smtp_tls.unwrap_or(server::mail::Tls::Starttls),
            user: self.smtp_user.clone(),
            password: self.smtp_password.clone(),
            from,
            conference,
        })
        .map(Some)
        .map_err(|e| e.to_string())
    }
}

#[derive(Subcommand)]
enum ImportWhat {
    /// sessions.csv: code,title,description,kind,topic,standard,career_families,room,starts_at,ends_at,capacity,presenter
    Sessions { file: PathBuf },
    /// attendees.csv: badge_code,first_name,last_name,email,state,local,career_family,role
    Attendees { file: PathBuf },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hallpass: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("hallpass: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    // Needs no database: answered before one is opened (and created).
    if let Some(Command::Demo {
        what: DemoWhat::Roster { count },
    }) = &cli.command
    {
        print!("{}", server::demo::roster_csv(*count as usize));
        return Ok(());
    }
    // Backups read the file as it is; a restore must not open (and so
    // create or migrate) the database it replaces.
    match &cli.command {
        Some(Command::Backup { file }) => {
            let held = server::backup::backup(&cli.db, file).map_err(|e| e.to_string())?;
            println!(
                "Backed up {} to {} ({held}); integrity checked.",
                cli.db.display(),
                file.display()
            );
            return Ok(());
        }
        Some(Command::Restore { file }) => {
            let done = server::backup::restore(&cli.db, file).map_err(|e| e.to_string())?;
            println!(
                "Restored {} from {} ({}).",
                cli.db.display(),
                file.display(),
                done.contents
            );
            if let Some(aside) = done.kept_aside {
                println!("The database it replaced is kept as {}.", aside.display());
            }
            println!(
                "New epoch {}: devices will re-sync and send what the copy does not have.",
                done.contents.epoch
            );
            return Ok(());
        }
        _ => {}
    }
    // While it serves, nothing may restore the file from under it.
    let _serving = match &cli.command {
        None | Some(Command::Serve(_)) => Some(
            server::backup::ServeLock::acquire(&cli.db).map_err(|e| match e {
                server::backup::BackupError::ServerRunning(db) => format!(
                    "another hallpass serve (or a restore) is running on {}",
                    db.display()
                ),
                other => other.to_string(),
            })?,
        ),
        _ => None,
    };
    let store = Store::open_with(&cli.db, cli.checkpoints)
        .map_err(|e| format!("cannot open {}: {e}", cli.db.display()))?;
    let public_url = cli.public_url;
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(store, args, public_url).await,
        Command::Attendee { what } => {
            let url = public_url.unwrap_or_else(default_public_url);
            attendee(&store, what, &url).await
        }
        Command::Kiosk {
            what: KioskWhat::Pair { name, minutes },
        } => {
            let code = server::kiosks::make_pairing_code(
                &store,
                &name,
                std::time::Duration::from_secs(minutes * 60),
            )
            .await
            .map_err(|e| e.to_string())?;
            let until = code
                .expires
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            println!("Pairing code for kiosk “{}”: {}", code.name, code.code);
            println!("Enter it once on the kiosk's setup page. It works once, until {until}.");
            Ok(())
        }
        Command::Demo { .. } | Command::Backup { .. } | Command::Restore { .. } => Ok(()),
        Command::Organizer { what } => organizer(&store, what).await,
        Command::Import { what } => {
            let (file, kind) = match &what {
                ImportWhat::Sessions { file } => (file, import::ImportKind::Sessions),
                ImportWhat::Attendees { file } => (file, import::ImportKind::Attendees),
            };
            let mut text = Vec::new();
            std::fs::File::open(file)
                .and_then(|mut f| f.read_to_end(&mut text))
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let summary = import::import(&store, kind, text.as_slice())
                .await
                .map_err(|e| format!("{} not imported: {e}", file.display()))?;
            println!(
                "Imported {} from {}: {summary}.",
                kind.as_str(),
                file.display()
            );
            Ok(())
        }
    }
}

/// The demo's organizer account: made with a random password printed once,
/// so a demo reachable on a venue network has no well-known password.
async fn demo_organizer(store: &Store) -> Result<(), String> {
    use server::organizers::{self, Email, OrganizerError, Password};
    let email = Email::parse(demo::ORGANIZER_EMAIL).map_err(|e| e.to_string())?;
    let mut bytes = [0u8; 12];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let password: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let secret = Password::parse(&password).map_err(|e| e.to_string())?;
    match organizers::add(store, &email, secret).await {
        Ok(()) => println!(
            "Organizer console at /admin: sign in as {} with password {password} (shown only now).",
            email.as_str()
        ),
        Err(OrganizerError::Exists(_)) => println!(
            "Organizer console at /admin: {} (its password was printed when it was made; \
             `hallpass organizer remove` then `organizer add` sets a new one).",
            email.as_str()
        ),
        Err(e) => return Err(format!("cannot make the demo organizer: {e}")),
    }
    Ok(())
}

fn default_public_url() -> PublicUrl {
    PublicUrl::parse(DEFAULT_PUBLIC_URL).unwrap_or_else(|_| unreachable!("a valid constant"))
}

async fn attendee(store: &Store, what: AttendeeWhat, url: &PublicUrl) -> Result<(), String> {
    use server::signin;
    let (badge, reissue) = match &what {
        AttendeeWhat::Link { badge_code } => (badge_code, false),
        AttendeeWhat::Reissue { badge_code } => (badge_code, true),
    };
    let badge = app::domain::BadgeCode::parse(badge).map_err(|e| e.to_string())?;
    let card = if reissue {
        signin::reissue(store, badge).await
    } else {
        signin::card(store, badge).await
    }
    .map_err(|e| e.to_string())?;
    if reissue {
        println!(
            "New sign-in code for {} (badge {}); the old one no longer works:",
            card.name(),
            card.badge_code
        );
    } else {
        println!("Sign-in for {} (badge {}):", card.name(), card.badge_code);
    }
    println!("  link: {}", url.link(&card.code));
    println!("  code: {}", card.code.grouped());
    Ok(())
}

async fn organizer(store: &Store, what: OrganizerWhat) -> Result<(), String> {
    use server::organizers::{self, Email, Password};
    match what {
        OrganizerWhat::Add { email } => {
            let email = Email::parse(&email).map_err(|e| e.to_string())?;
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
            let password =
                Password::parse(line.trim_end_matches(['\r', '\n'])).map_err(|e| e.to_string())?;
            organizers::add(store, &email, password)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Organizer {} added. Sign in at /admin/signin.",
                email.as_str()
            );
        }
        OrganizerWhat::List => {
            let accounts = organizers::list(store).await.map_err(|e| e.to_string())?;
            if accounts.is_empty() {
                println!("No organizers yet. Add one with: hallpass organizer add EMAIL");
            }
            for a in accounts {
                println!(
                    "{}  added {}  sessions {}  tokens {}",
                    a.email, a.created_at, a.sessions, a.tokens
                );
            }
        }
        OrganizerWhat::Remove { email } => {
            let email = Email::parse(&email).map_err(|e| e.to_string())?;
            let revoked = organizers::remove(store, &email)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Organizer {} removed; their sessions ended and {} token(s) stopped working.",
                email.as_str(),
                revoked.len()
            );
        }
    }
    Ok(())
}

async fn serve(store: Store, args: ServeArgs, public_url: Option<PublicUrl>) -> Result<(), String> {
    let options = leptos_options(args.site_root.as_deref());
    let addr = args.addr.unwrap_or(options.site_addr);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let mailer = args.mail.mailer(args.demo)?;
    if args.demo {
        let shown = match &public_url {
            Some(url) => url.clone(),
            None => PublicUrl::parse(&format!("http://{local}")).map_err(|e| e.to_string())?,
        };
        load_demo_if_empty(&store, &shown).await?;
    }
    let mut state = AppState::new(store, options);
    // Without a configured address, links are written for the address each
    // organizer's browser used.
    if let Some(url) = public_url {
        state = state.with_public_url(url);
    }
    if let Some(mailer) = mailer {
        state = state.with_mailer(mailer);
    }
    tracing::info!(build = %state.assets.id, "build");
    println!("Hallpass is listening on http://{local}");
    let options = server::ServeOptions {
        trusted_proxies: args.trusted_proxies,
        ..Default::default()
    };
    server::serve_with(listener, state, options)
        .await
        .map_err(|e| format!("server stopped: {e}"))
}

async fn load_demo_if_empty(store: &Store, url: &PublicUrl) -> Result<(), String> {
    let (sessions, attendees) = store
        .read(|conn| {
            Ok((
                store::sessions::count(conn)?,
                store::attendees::count(conn)?,
            ))
        })
        .await
        .map_err(|e| e.to_string())?;
    if sessions == 0 && attendees == 0 {
        let loaded = demo::load(store)
            .await
            .map_err(|e| format!("cannot load the demo: {e}"))?;
        println!(
            "Loaded the demo {}: sessions {}; attendees {}.",
            demo::CONFERENCE_NAME,
            loaded.sessions,
            loaded.attendees
        );
    } else {
        println!(
            "The database already holds {sessions} sessions and {attendees} attendees; the demo was not loaded."
        );
    }
    demo_organizer(store).await?;
    let sample = store
        .read(|conn| Ok(store::attendees::sample(conn, 5)?))
        .await
        .map_err(|e| e.to_string())?;
    if !sample.is_empty() {
        println!("Sign in as (open a link on a phone, or type its code at /signin):");
        for (name, badge, code) in sample {
            println!("  {name} (badge {badge}): {}", url.link(&code));
        }
    }
    Ok(())
}

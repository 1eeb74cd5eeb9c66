//! `vankien user`: create annotators and admins, list them, issue and revoke their API tokens.
//!
//! Tokens are printed once, as the last word of the output, and stored only as hashes in the
//! annotation store (`DATA/vankien.sqlite3`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use vankien_annotate::{DB_FILE, Role, Store};

/// Arguments of `vankien user`.
#[derive(Debug, clap::Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
    /// The data directory holding the annotation store. By default, `data`.
    #[arg(long, value_name = "DIR", default_value = "data", global = true)]
    data: PathBuf,
    /// The index directory, only to refuse a data directory inside it. By default, `index`.
    #[arg(long, value_name = "DIR", default_value = "index", global = true)]
    index: PathBuf,
}

#[derive(Debug, clap::Subcommand)]
enum UserCommand {
    /// Create a user and print their first API token (the last word of the output).
    Add {
        /// The user's name: letters, digits, '.', '_', '-' or '@'.
        name: String,
        /// What the user may do: tag (annotator), also review tags into the gold set (reviewer),
        /// or also manage users and assignments and remove anyone's tags (admin).
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List users and their token ids (never the secrets).
    List,
    /// Revoke every token of a user, effective at once, also in a running server.
    Revoke {
        /// The user's name.
        name: String,
    },
    /// Issue another token for a user and print it (the last word of the output).
    Token {
        /// The user's name.
        name: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Annotator,
    Reviewer,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Annotator => Role::Annotator,
            RoleArg::Reviewer => Role::Reviewer,
            RoleArg::Admin => Role::Admin,
        }
    }
}

/// Runs `vankien user`.
pub fn run(args: UserArgs) -> anyhow::Result<ExitCode> {
    vankien_annotate::check_data_dir(&args.data, &args.index)?;
    match args.command {
        UserCommand::Add { name, role } => {
            let store = open(&args.data, true)?;
            let (user, token) = store.add_user(&name, role.into())?;
            println!(
                "created {} {} in {}; their API token (shown only now, keep it secret): {token}",
                user.role,
                user.name,
                store.path().display()
            );
        }
        UserCommand::List => {
            let store = open(&args.data, false)?;
            let users = store.users()?;
            if users.is_empty() {
                println!("no users in {}", store.path().display());
            }
            for u in users {
                let tokens: Vec<String> = u
                    .tokens
                    .iter()
                    .map(|t| match &t.revoked_at {
                        None => format!("{} (active since {})", t.id, t.created_at),
                        Some(at) => format!("{} (revoked {at})", t.id),
                    })
                    .collect();
                println!(
                    "{}\t{}\tcreated {}\ttokens: {}",
                    u.name,
                    u.role,
                    u.created_at,
                    if tokens.is_empty() {
                        "none".to_string()
                    } else {
                        tokens.join(", ")
                    }
                );
            }
        }
        UserCommand::Revoke { name } => {
            let store = open(&args.data, false)?;
            let n = store.revoke_tokens(&name)?;
            println!("revoked {n} active token(s) of {name}");
        }
        UserCommand::Token { name } => {
            let store = open(&args.data, false)?;
            let token = store.new_token(&name)?;
            println!("new API token for {name} (shown only now, keep it secret): {token}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens the store; only `add` may create it, so a mistyped `--data` is reported, not created.
fn open(data: &Path, create: bool) -> anyhow::Result<Store> {
    let file = data.join(DB_FILE);
    if !create && !file.exists() {
        anyhow::bail!(
            "no annotation store at {} (create a user with `{} user add` first, or pass --data DIR)",
            file.display(),
            crate::invoke::command()
        );
    }
    Store::open(data)
        .with_context(|| format!("cannot open the annotation store in {}", data.display()))
}

//! Users and their API tokens: creating, listing, revoking, and checking a token on a request.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::audit::{Audited, audit};
use crate::model::{Role, TokenInfo, User, UserInfo};
use crate::store::{LOCAL_ACTOR, now};
use crate::{InternalError, Store, StoreError, UserError, token};

impl Store {
    /// Creates a user and a first API token; returns the user and the token (shown once: only
    /// its hash is stored). Fails if the name is taken.
    pub fn add_user(&self, name: &str, role: Role) -> Result<(User, String), StoreError> {
        self.add_user_as(None, name, role)
    }

    /// [`Store::add_user`] by `by`, who must be an admin (`None`: the command line).
    pub fn add_user_as(
        &self,
        by: Option<&User>,
        name: &str,
        role: Role,
    ) -> Result<(User, String), StoreError> {
        let name = check_user_name(name)?;
        let new = token::generate();
        self.write(|tx| {
            let actor = acting(tx, by, |r| r == Role::Admin, "create users")?;
            let exists = tx
                .query_row("SELECT 1 FROM users WHERE name = ?1", [&name], |_| Ok(()))
                .optional()?
                .is_some();
            if exists {
                return Err(StoreError::User(UserError::UserExists(name.clone())));
            }
            let at = now(tx)?;
            tx.execute(
                "INSERT INTO users (name, role, created_at) VALUES (?1, ?2, ?3)",
                params![name, role.as_str(), at],
            )?;
            let user_id = tx.last_insert_rowid();
            insert_token(tx, user_id, &new, &at)?;
            audit(
                tx,
                &at,
                &actor,
                "user_add",
                Audited {
                    subject: Some(&name),
                    to: Some(format!("{} {}", role.as_str(), new.id)),
                    ..Audited::default()
                },
            )?;
            Ok(())
        })?;
        Ok((User { name, role }, new.token))
    }

    /// Issues another token for an existing user; returns it (shown once).
    pub fn new_token(&self, name: &str) -> Result<String, StoreError> {
        self.new_token_as(None, name)
    }

    /// [`Store::new_token`] by `by`, who must be an admin (`None`: the command line).
    pub fn new_token_as(&self, by: Option<&User>, name: &str) -> Result<String, StoreError> {
        let new = token::generate();
        self.write(|tx| {
            let actor = acting(tx, by, |r| r == Role::Admin, "issue tokens")?;
            let (user_id, _) = user_row(tx, name)?;
            let at = now(tx)?;
            insert_token(tx, user_id, &new, &at)?;
            audit(
                tx,
                &at,
                &actor,
                "token_new",
                Audited {
                    subject: Some(name),
                    to: Some(new.id.clone()),
                    ..Audited::default()
                },
            )
        })?;
        Ok(new.token)
    }

    /// Revokes every active token of a user, at once. Returns how many were revoked.
    pub fn revoke_tokens(&self, name: &str) -> Result<usize, StoreError> {
        self.revoke_tokens_as(None, name)
    }

    /// [`Store::revoke_tokens`] by `by`, who must be an admin (`None`: the command line).
    pub fn revoke_tokens_as(&self, by: Option<&User>, name: &str) -> Result<usize, StoreError> {
        let revoked = self.write(|tx| {
            let actor = acting(tx, by, |r| r == Role::Admin, "revoke tokens")?;
            let (user_id, _) = user_row(tx, name)?;
            let ids: Vec<String> = {
                let mut stmt = tx.prepare(
                    "SELECT id FROM tokens WHERE user_id = ?1 AND revoked_at IS NULL ORDER BY id",
                )?;
                stmt.query_map([user_id], |r| r.get(0))?
                    .collect::<Result<_, _>>()?
            };
            if ids.is_empty() {
                return Ok(0);
            }
            let at = now(tx)?;
            tx.execute(
                "UPDATE tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
                params![at, user_id],
            )?;
            audit(
                tx,
                &at,
                &actor,
                "token_revoke",
                Audited {
                    subject: Some(name),
                    from: Some(ids.join(",")),
                    ..Audited::default()
                },
            )?;
            Ok(ids.len())
        })?;
        Ok(revoked)
    }

    /// The users, by name, with their token ids (never secrets).
    pub fn users(&self) -> Result<Vec<UserInfo>, StoreError> {
        self.read(|conn| {
            let mut users: Vec<(i64, UserInfo)> = {
                let mut stmt =
                    conn.prepare_cached("SELECT id, name, role, created_at FROM users ORDER BY name")?;
                let rows = stmt.query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (id, name, role, created_at) = row?;
                    out.push((
                        id,
                        UserInfo {
                            name,
                            role: stored_role(&role)?,
                            created_at,
                            tokens: Vec::new(),
                        },
                    ));
                }
                out
            };
            // rowid: the order they were made in, also for tokens made within one millisecond.
            let mut stmt = conn.prepare_cached(
                "SELECT id, created_at, revoked_at FROM tokens WHERE user_id = ?1 ORDER BY created_at, rowid",
            )?;
            for (id, info) in &mut users {
                info.tokens = stmt
                    .query_map([*id], |r| {
                        Ok(TokenInfo {
                            id: r.get(0)?,
                            created_at: r.get(1)?,
                            revoked_at: r.get(2)?,
                        })
                    })?
                    .collect::<Result<_, _>>()?;
            }
            Ok(users.into_iter().map(|(_, u)| u).collect())
        })
    }

    /// The user holding an active token, or [`UserError::BadToken`].
    ///
    /// One indexed read and a blake3 hash (microseconds), the same work whether the id is
    /// unknown, revoked, or known with a wrong secret (see [`crate::token`]). A token whose hash
    /// an older build stored as argon2id is checked with argon2 (tens of milliseconds) and, when
    /// it matches, its hash is rewritten as blake3, so this happens once per token.
    pub fn authenticate(&self, token: &str) -> Result<User, StoreError> {
        let (id, secret) = token::split(token).ok_or(StoreError::User(UserError::BadToken))?;
        let (user, stored) = match self.read(|conn| active_token_user(conn, id))? {
            Some((user, stored)) => (Some(user), Some(stored)),
            None => (None, None),
        };
        match (user, token::verify(secret, stored.as_deref())) {
            (Some(user), token::Check::Match) => Ok(user),
            (Some(user), token::Check::Legacy) => {
                self.write(|tx| {
                    // Only if the hash is still the one checked: a concurrent check may have
                    // upgraded it already.
                    tx.execute(
                        "UPDATE tokens SET hash = ?1 WHERE id = ?2 AND hash = ?3",
                        params![token::hash(secret), id, stored],
                    )?;
                    Ok(())
                })?;
                Ok(user)
            }
            _ => Err(StoreError::User(UserError::BadToken)),
        }
    }
}

/// The name the audit log records for a change made by `by` (`None`: the command line, whoever
/// can write the data directory), once the database confirms that `by`'s role is `allowed`:
/// the role a token was checked with may have changed since.
pub(crate) fn acting(
    conn: &Connection,
    by: Option<&User>,
    allowed: fn(Role) -> bool,
    what: &str,
) -> Result<String, StoreError> {
    let Some(user) = by else {
        return Ok(LOCAL_ACTOR.to_string());
    };
    let (_, role) = user_row(conn, &user.name)?;
    if !allowed(role) {
        return Err(StoreError::User(UserError::Forbidden(format!(
            "{} is {role}; only {} may {what}",
            user.name,
            if allowed(Role::Reviewer) {
                "reviewers and admins"
            } else {
                "admins"
            }
        ))));
    }
    Ok(user.name.clone())
}

/// The id of a user, created (as `role`, without a token) when missing: an import names the
/// taggers and reviewers of its records. Audited as `user_add` by `actor`.
pub(crate) fn user_or_create(
    tx: &Transaction<'_>,
    name: &str,
    role: Role,
    actor: &str,
    at: &str,
) -> Result<i64, StoreError> {
    match user_row(tx, name) {
        Ok((id, _)) => return Ok(id),
        Err(StoreError::User(UserError::UnknownUser(_))) => {}
        Err(e) => return Err(e),
    }
    let name = check_user_name(name)?;
    tx.execute(
        "INSERT INTO users (name, role, created_at) VALUES (?1, ?2, ?3)",
        params![name, role.as_str(), at],
    )?;
    let id = tx.last_insert_rowid();
    audit(
        tx,
        at,
        actor,
        "user_add",
        Audited {
            subject: Some(&name),
            to: Some(format!("{} (imported, no token)", role.as_str())),
            ..Audited::default()
        },
    )?;
    Ok(id)
}

/// The id and role of a user by name.
pub(crate) fn user_row(conn: &Connection, name: &str) -> Result<(i64, Role), StoreError> {
    let row: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, role FROM users WHERE name = ?1")?
        .query_row([name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, role) =
        row.ok_or_else(|| StoreError::User(UserError::UnknownUser(name.to_string())))?;
    Ok((id, stored_role(&role)?))
}

pub(crate) fn stored_role(role: &str) -> Result<Role, StoreError> {
    Role::parse(role).map_err(|_| {
        StoreError::Internal(InternalError::Corrupt(format!(
            "unknown role {role:?} in users"
        )))
    })
}

/// The user of an active token and the token's hash, by token id.
pub(crate) fn active_token_user(
    conn: &Connection,
    token_id: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let row: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT u.name, u.role, t.hash FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.id = ?1 AND t.revoked_at IS NULL",
        )?
        .query_row([token_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(name, role, hash)| {
        Ok((
            User {
                name,
                role: stored_role(&role)?,
            },
            hash,
        ))
    })
    .transpose()
}

pub(crate) fn insert_token(
    tx: &Transaction<'_>,
    user_id: i64,
    new: &token::NewToken,
    at: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO tokens (id, user_id, hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![new.id, user_id, new.hash, at],
    )?;
    Ok(())
}

/// Checks a user name: 1 to 64 letters, digits, `.`, `_`, `-` or `@` (Vietnamese letters
/// included), returned in NFC so `Đức` typed in NFD is the same user.
pub(crate) fn check_user_name(raw: &str) -> Result<String, StoreError> {
    // Normalizing drops control characters; refuse them rather than silently change the name.
    let name = vankien_ingest::normalize::normalize_text(raw);
    if raw.chars().any(char::is_control) {
        return Err(StoreError::User(UserError::InvalidInput(format!(
            "user name {raw:?} has control characters"
        ))));
    }
    let ok_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
    if name.is_empty() || name.chars().count() > 64 || !name.chars().all(ok_char) {
        return Err(StoreError::User(UserError::InvalidInput(format!(
            "user name {name:?} must be 1 to 64 letters, digits, '.', '_', '-' or '@'"
        ))));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names() {
        assert_eq!(check_user_name("lan").unwrap(), "lan");
        assert_eq!(check_user_name("Nguyễn.Đức").unwrap(), "Nguyễn.Đức");
        assert_eq!(check_user_name("Đu\u{301}c").unwrap(), "Đúc");
        assert!(check_user_name("").is_err());
        assert!(check_user_name("a b").is_err());
        assert!(check_user_name("a\u{7}").is_err());
        assert!(check_user_name(&"x".repeat(65)).is_err());
    }
}

//! PACER Administrative Accounts (a firm's members under one bill) and CJA
//! exemptions from fees.

use openecf_domain::{CourtId, PacerAccountId};
use sqlx::Row;

use crate::{epoch, from_epoch, Result, Store, Time};

/// A firm of a PACER Administrative Account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmRow {
    pub id: i64,
    pub name: String,
    pub admin: PacerAccountId,
    pub admin_username: String,
}

/// A member (or invitee) of a firm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub account: PacerAccountId,
    pub username: String,
    pub name: String,
    /// "invited" or "member".
    pub status: String,
    /// When it accepted (a member's usage counts for the firm from then).
    pub joined_at: Option<Time>,
}

/// A court's CJA exemption of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExemptionRow {
    pub account: PacerAccountId,
    pub username: String,
    pub reason: String,
    pub granted_by: String,
    pub granted_at: Time,
}

fn firm(r: sqlx::any::AnyRow) -> Result<FirmRow> {
    Ok(FirmRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        admin: PacerAccountId::new(r.try_get("admin_account_id")?),
        admin_username: r.try_get("username")?,
    })
}

const FIRM: &str = "SELECT f.id, f.name, f.admin_account_id, p.username FROM paa_firms f JOIN pacer_accounts p ON p.id = f.admin_account_id";

impl Store {
    /// Creates a firm administered by the account; None if it administers one already.
    pub async fn create_firm(&self, name: &str, admin: PacerAccountId, now: Time) -> Result<Option<i64>> {
        // One role each: a member of a firm administers none.
        Ok(sqlx::query_scalar(
            "INSERT INTO paa_firms (name, admin_account_id, created_at)
             SELECT $1, $2, $3 WHERE NOT EXISTS
                 (SELECT 1 FROM paa_members WHERE pacer_account_id = $2 AND status = 'member')
             ON CONFLICT (admin_account_id) DO NOTHING RETURNING id",
        )
        .bind(name)
        .bind(admin.get())
        .bind(epoch(now))
        .fetch_optional(&mut *self.writer().await?)
        .await?)
    }

    /// The firm this account administers.
    pub async fn firm_administered_by(&self, admin: PacerAccountId) -> Result<Option<FirmRow>> {
        sqlx::query(&format!("{FIRM} WHERE f.admin_account_id = $1"))
            .bind(admin.get())
            .fetch_optional(&self.pool)
            .await?
            .map(firm)
            .transpose()
    }

    /// The firm this account is a member of (accepted).
    pub async fn firm_of_member(&self, account: PacerAccountId) -> Result<Option<FirmRow>> {
        sqlx::query(&format!(
            "{FIRM} JOIN paa_members m ON m.firm_id = f.id WHERE m.pacer_account_id = $1 AND m.status = 'member'"
        ))
        .bind(account.get())
        .fetch_optional(&self.pool)
        .await?
        .map(firm)
        .transpose()
    }

    /// The firms inviting this account, not yet accepted.
    pub async fn firm_invitations(&self, account: PacerAccountId) -> Result<Vec<FirmRow>> {
        sqlx::query(&format!(
            "{FIRM} JOIN paa_members m ON m.firm_id = f.id WHERE m.pacer_account_id = $1 AND m.status = 'invited' ORDER BY f.name"
        ))
        .bind(account.get())
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(firm)
        .collect()
    }

    /// Invites an account to a firm; false if invited or a member already.
    pub async fn invite_to_firm(&self, firm: i64, account: PacerAccountId, now: Time) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO paa_members (firm_id, pacer_account_id, status, invited_at) VALUES ($1, $2, 'invited', $3)
             ON CONFLICT (firm_id, pacer_account_id) DO NOTHING",
        )
        .bind(firm)
        .bind(account.get())
        .bind(epoch(now))
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Accepts an invitation; false if there was none (or the account joined
    /// another firm meanwhile: one firm each, kept by a unique index).
    pub async fn accept_firm(&self, firm: i64, account: PacerAccountId, now: Time) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE paa_members SET status = 'member', joined_at = $3
             WHERE firm_id = $1 AND pacer_account_id = $2 AND status = 'invited'
               AND NOT EXISTS (SELECT 1 FROM paa_members o WHERE o.pacer_account_id = $2 AND o.status = 'member')
               AND NOT EXISTS (SELECT 1 FROM paa_firms f WHERE f.admin_account_id = $2)",
        )
        .bind(firm)
        .bind(account.get())
        .bind(epoch(now))
        .execute(&mut *self.writer().await?)
        .await;
        match done {
            Ok(d) => Ok(d.rows_affected() == 1),
            // Two acceptances at once: the unique index lets one through.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Ends an account's membership or invitation; false if there was none.
    pub async fn leave_firm(&self, firm: i64, account: PacerAccountId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM paa_members WHERE firm_id = $1 AND pacer_account_id = $2")
            .bind(firm)
            .bind(account.get())
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A firm's members and invitees, by username.
    pub async fn firm_members(&self, firm: i64) -> Result<Vec<MemberRow>> {
        sqlx::query(
            "SELECT p.id, p.username, p.name, m.status, m.joined_at FROM paa_members m JOIN pacer_accounts p ON p.id = m.pacer_account_id
             WHERE m.firm_id = $1 ORDER BY p.username",
        )
        .bind(firm)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| {
            Ok(MemberRow {
                account: PacerAccountId::new(r.try_get("id")?),
                username: r.try_get("username")?,
                name: r.try_get("name")?,
                status: r.try_get("status")?,
                joined_at: r.try_get::<Option<i64>, _>("joined_at")?.map(from_epoch).transpose()?,
            })
        })
        .collect()
    }

    /// Grants (or replaces) a court's CJA exemption of an account.
    pub async fn grant_exemption(
        &self,
        court: &CourtId,
        account: PacerAccountId,
        reason: &str,
        by: &str,
        now: Time,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO cja_exemptions (court_id, pacer_account_id, reason, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (court_id, pacer_account_id) DO UPDATE SET reason = $3, granted_by = $4, granted_at = $5",
        )
        .bind(court.as_str())
        .bind(account.get())
        .bind(reason)
        .bind(by)
        .bind(epoch(now))
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    /// Ends a CJA exemption (and its use in every session); false if there was none.
    pub async fn revoke_exemption(&self, court: &CourtId, account: PacerAccountId) -> Result<bool> {
        sqlx::query(
            "DELETE FROM session_exemptions WHERE court_id = $1
               AND session_hash IN (SELECT token_hash FROM sessions WHERE pacer_account_id = $2)",
        )
        .bind(court.as_str())
        .bind(account.get())
        .execute(&mut *self.writer().await?)
        .await?;
        let done = sqlx::query("DELETE FROM cja_exemptions WHERE court_id = $1 AND pacer_account_id = $2")
            .bind(court.as_str())
            .bind(account.get())
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The court's exemption of the account, if any.
    pub async fn exemption(&self, court: &CourtId, account: PacerAccountId) -> Result<Option<ExemptionRow>> {
        Ok(self.exemptions(court).await?.into_iter().find(|e| e.account == account))
    }

    /// A court's CJA exemptions, by username.
    pub async fn exemptions(&self, court: &CourtId) -> Result<Vec<ExemptionRow>> {
        sqlx::query(
            "SELECT p.id, p.username, e.reason, e.granted_by, e.granted_at FROM cja_exemptions e
             JOIN pacer_accounts p ON p.id = e.pacer_account_id WHERE e.court_id = $1 ORDER BY p.username",
        )
        .bind(court.as_str())
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| {
            Ok(ExemptionRow {
                account: PacerAccountId::new(r.try_get("id")?),
                username: r.try_get("username")?,
                reason: r.try_get("reason")?,
                granted_by: r.try_get("granted_by")?,
                granted_at: from_epoch(r.try_get("granted_at")?)?,
            })
        })
        .collect()
    }

    /// Turns the session's use of its CJA exemption at a court on or off.
    pub async fn set_session_exemption(&self, session_hash: &str, court: &CourtId, on: bool) -> Result<()> {
        let sql = if on {
            "INSERT INTO session_exemptions (session_hash, court_id) VALUES ($1, $2) ON CONFLICT (session_hash, court_id) DO NOTHING"
        } else {
            "DELETE FROM session_exemptions WHERE session_hash = $1 AND court_id = $2"
        };
        sqlx::query(sql)
            .bind(session_hash)
            .bind(court.as_str())
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// Whether the session uses a CJA exemption at the court (and still has one).
    pub async fn session_exempt(&self, session_hash: &str, court: &CourtId) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM session_exemptions x JOIN sessions s ON s.token_hash = x.session_hash
             JOIN cja_exemptions e ON e.court_id = x.court_id AND e.pacer_account_id = s.pacer_account_id
             WHERE x.session_hash = $1 AND x.court_id = $2",
        )
        .bind(session_hash)
        .bind(court.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }
}

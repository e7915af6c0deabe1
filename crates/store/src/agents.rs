//! Filing agents: staff an attorney names, each with an individual PACER
//! account, who file in the attorney's name at one court.

use openecf_domain::{CourtId, PacerAccountId};
use sqlx::Row;

use crate::{epoch, Result, Store, Time, Tx};

/// One side of a filing-agent pair: the other account's id, name and username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRow {
    pub account: PacerAccountId,
    pub name: String,
    pub username: String,
    /// The agent accepted the naming (until then it files nothing).
    pub accepted: bool,
}

impl Tx {
    /// Names an agent of an attorney at a court; false if already named.
    pub async fn add_filing_agent(
        &mut self,
        court: &CourtId,
        attorney: PacerAccountId,
        agent: PacerAccountId,
        now: Time,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO filing_agents (court_id, attorney_id, agent_id, added_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (court_id, attorney_id, agent_id) DO NOTHING",
        )
        .bind(court.as_str())
        .bind(attorney.get())
        .bind(agent.get())
        .bind(epoch(now))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends an agent's naming; false if there was none.
    pub async fn remove_filing_agent(
        &mut self,
        court: &CourtId,
        attorney: PacerAccountId,
        agent: PacerAccountId,
    ) -> Result<bool> {
        let done = sqlx::query("DELETE FROM filing_agents WHERE court_id = $1 AND attorney_id = $2 AND agent_id = $3")
            .bind(court.as_str())
            .bind(attorney.get())
            .bind(agent.get())
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Whether the agent is named by the attorney at the court, read in the
    /// transaction that files (a removal that committed first is seen).
    pub async fn is_filing_agent(
        &mut self,
        court: &CourtId,
        attorney: PacerAccountId,
        agent: PacerAccountId,
    ) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM filing_agents
             WHERE court_id = $1 AND attorney_id = $2 AND agent_id = $3 AND accepted_at IS NOT NULL",
        )
        .bind(court.as_str())
        .bind(attorney.get())
        .bind(agent.get())
        .fetch_optional(self.conn())
        .await?;
        Ok(found.is_some())
    }
}

fn rows(found: Vec<sqlx::any::AnyRow>) -> Result<Vec<AgentRow>> {
    found
        .into_iter()
        .map(|r| {
            Ok(AgentRow {
                account: PacerAccountId::new(r.try_get("id")?),
                name: r.try_get("name")?,
                username: r.try_get("username")?,
                accepted: r.try_get::<Option<i64>, _>("accepted_at")?.is_some(),
            })
        })
        .collect()
}

impl Store {
    /// The attorneys who named this account agent at a court, not yet accepted.
    pub async fn agent_invitations(&self, court: &CourtId, agent: PacerAccountId) -> Result<Vec<AgentRow>> {
        rows(
            sqlx::query(
                "SELECT p.id, p.name, p.username, f.accepted_at FROM filing_agents f JOIN pacer_accounts p ON p.id = f.attorney_id
                 WHERE f.court_id = $1 AND f.agent_id = $2 AND f.accepted_at IS NULL ORDER BY p.name, p.username",
            )
            .bind(court.as_str())
            .bind(agent.get())
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// The agent accepts an attorney's naming; false if there was none waiting.
    pub async fn accept_agent_naming(
        &self,
        court: &CourtId,
        attorney: PacerAccountId,
        agent: PacerAccountId,
        now: Time,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE filing_agents SET accepted_at = $4
             WHERE court_id = $1 AND attorney_id = $2 AND agent_id = $3 AND accepted_at IS NULL",
        )
        .bind(court.as_str())
        .bind(attorney.get())
        .bind(agent.get())
        .bind(epoch(now))
        .execute(&mut *self.writer().await?)
        .await?;
        self.wrote();
        Ok(done.rows_affected() == 1)
    }

    /// The agents an attorney named at a court, by name.
    pub async fn filing_agents(&self, court: &CourtId, attorney: PacerAccountId) -> Result<Vec<AgentRow>> {
        rows(
            sqlx::query(
                "SELECT p.id, p.name, p.username, f.accepted_at FROM filing_agents f JOIN pacer_accounts p ON p.id = f.agent_id
                 WHERE f.court_id = $1 AND f.attorney_id = $2 ORDER BY p.name, p.username",
            )
            .bind(court.as_str())
            .bind(attorney.get())
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// Whether the account files here as the accepted agent of an attorney
    /// linked here: one query, for every court page a PACER user opens.
    pub async fn files_as_agent(&self, court: &CourtId, agent: PacerAccountId) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM filing_agents f JOIN links l ON l.pacer_account_id = f.attorney_id AND l.court_id = f.court_id
             WHERE f.court_id = $1 AND f.agent_id = $2 AND f.accepted_at IS NOT NULL LIMIT 1",
        )
        .bind(court.as_str())
        .bind(agent.get())
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// The attorneys an agent accepted to file for at a court, by name.
    pub async fn agent_principals(&self, court: &CourtId, agent: PacerAccountId) -> Result<Vec<AgentRow>> {
        rows(
            sqlx::query(
                "SELECT p.id, p.name, p.username, f.accepted_at FROM filing_agents f JOIN pacer_accounts p ON p.id = f.attorney_id
                 WHERE f.court_id = $1 AND f.agent_id = $2 AND f.accepted_at IS NOT NULL ORDER BY p.name, p.username",
            )
            .bind(court.as_str())
            .bind(agent.get())
            .fetch_all(&self.pool)
            .await?,
        )
    }
}

//! The events a court adds to its catalogue, beside the built-in ones.

use openecf_domain::{CourtId, Event, EventMenu};
use sqlx::Row;

use crate::{epoch, Result, Store, Time, Tx};

impl Tx {
    /// Adds an event to a court's catalogue; false if the court has an added
    /// event of that name already (the caller checks the built-in names).
    pub async fn add_court_event(
        &mut self,
        court: &CourtId,
        menu: EventMenu,
        event: &Event,
        now: Time,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO court_events (court_id, menu, category, name, docket_text, appearance, added_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (court_id, name) DO NOTHING",
        )
        .bind(court.as_str())
        .bind(menu.code())
        .bind(event.category.as_ref())
        .bind(event.name.as_ref())
        .bind(event.docket_text.as_ref())
        .bind(i64::from(event.appearance))
        .bind(epoch(now))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes an event the court added; false if it has none of that name.
    pub async fn remove_court_event(&mut self, court: &CourtId, name: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM court_events WHERE court_id = $1 AND name = $2")
            .bind(court.as_str())
            .bind(name)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// The events a court added, in the order it added them.
    pub async fn court_events(&self, court: &CourtId) -> Result<Vec<(EventMenu, Event)>> {
        let rows = sqlx::query(
            "SELECT menu, category, name, docket_text, appearance FROM court_events
             WHERE court_id = $1 ORDER BY added_at, name",
        )
        .bind(court.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut events = Vec::with_capacity(rows.len());
        for row in rows {
            let menu: String = row.try_get("menu")?;
            // A row of a menu this build does not know is left out, not an error.
            let Ok(menu) = EventMenu::parse(&menu) else { continue };
            events.push((
                menu,
                Event {
                    category: row.try_get::<String, _>("category")?.into(),
                    name: row.try_get::<String, _>("name")?.into(),
                    docket_text: row.try_get::<String, _>("docket_text")?.into(),
                    appearance: row.try_get::<i64, _>("appearance")? != 0,
                },
            ));
        }
        Ok(events)
    }
}

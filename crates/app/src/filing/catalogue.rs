//! A court's event catalogue: the built-in events of its kind, and the events
//! the court adds (`openecf court event add`).

use openecf_domain::{
    AuditAction, AuditOutcome, Catalogue, Court, CourtId, Event, EventMenu, InvalidInput, NewAuditEvent,
};

use crate::{App, Result};

/// The court's catalogue, as its filers see it.
pub async fn catalogue(app: &App, court: &Court) -> Result<std::sync::Arc<Catalogue>> {
    app.catalogue(court).await
}

/// Why the operator's change to a catalogue was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueRefusal {
    #[error("no court {0}")]
    NoSuchCourt(String),
    #[error("{0}")]
    Invalid(InvalidInput),
    #[error("{court} has no added event named {name:?} (built-in events stay)")]
    NoSuchEvent { court: String, name: String },
}

/// Adds an event to a court's catalogue, audited with the operator.
pub async fn add_event(
    app: &App,
    court: &CourtId,
    menu: EventMenu,
    event: &Event,
    operator: &str,
) -> Result<std::result::Result<(), CatalogueRefusal>> {
    let Some(found) = app.store.court(court).await? else {
        return Ok(Err(CatalogueRefusal::NoSuchCourt(court.to_string())));
    };
    let now = app.clock.now();
    let current = Catalogue::new(found.kind, app.store.court_events(court).await?);
    if let Err(e) = current.check_new(found.kind, menu, event) {
        return Ok(Err(CatalogueRefusal::Invalid(e)));
    }
    // The table's key settles two operators adding one name at once.
    let mut tx = app.store.write().await?;
    if !tx.add_court_event(court, menu, event, now).await? {
        return Ok(Err(CatalogueRefusal::Invalid(InvalidInput::new(
            "name",
            format!("the court already has an event named {:?}", event.name),
        ))));
    }
    let audit = NewAuditEvent {
        court_id: Some(court.to_string()),
        detail: format!("added {} event {:?} by {operator}", menu.code(), event.name),
        ..NewAuditEvent::new(AuditAction::CourtEvent, AuditOutcome::Done)
    };
    tx.insert_audit(&audit, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Removes an event the court added. Entries already filed under it keep
/// their docket text; it is no longer offered.
pub async fn remove_event(
    app: &App,
    court: &CourtId,
    name: &str,
    operator: &str,
) -> Result<std::result::Result<(), CatalogueRefusal>> {
    if app.store.court(court).await?.is_none() {
        return Ok(Err(CatalogueRefusal::NoSuchCourt(court.to_string())));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if !tx.remove_court_event(court, name).await? {
        return Ok(Err(CatalogueRefusal::NoSuchEvent {
            court: court.to_string(),
            name: name.to_owned(),
        }));
    }
    let audit = NewAuditEvent {
        court_id: Some(court.to_string()),
        detail: format!("removed event {name:?} by {operator}"),
        ..NewAuditEvent::new(AuditAction::CourtEvent, AuditOutcome::Done)
    };
    tx.insert_audit(&audit, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Marks (`opinion`) or unmarks one of a court's events, built-in or added,
/// as a written opinion: its entries make the Written Opinions report, and
/// their documents are free. Audited with the operator.
pub async fn set_opinion(
    app: &App,
    court: &CourtId,
    name: &str,
    opinion: bool,
    operator: &str,
) -> Result<std::result::Result<bool, CatalogueRefusal>> {
    let Some(found) = app.store.court(court).await? else {
        return Ok(Err(CatalogueRefusal::NoSuchCourt(court.to_string())));
    };
    let name = name.trim();
    let current = Catalogue::new(found.kind, app.store.court_events(court).await?);
    if current.named(name).is_none() {
        return Ok(Err(CatalogueRefusal::Invalid(InvalidInput::new(
            "name",
            format!("{court} has no event named {name:?} (see `openecf court event list {court}`)"),
        ))));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let changed = tx.set_opinion_event(court, name, opinion, now).await?;
    if changed {
        let audit = NewAuditEvent {
            court_id: Some(court.to_string()),
            detail: format!(
                "event {name:?} {} by {operator}",
                if opinion {
                    "marked a written opinion"
                } else {
                    "no longer a written opinion"
                }
            ),
            ..NewAuditEvent::new(AuditAction::CourtEvent, AuditOutcome::Done)
        };
        tx.insert_audit(&audit, now).await?;
    }
    tx.commit().await?;
    Ok(Ok(changed))
}

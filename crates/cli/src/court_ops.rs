//! `court go-live` and `court set`: a court's go-live date (in its time
//! zone) and the notices it queues, and the court's time zone.

use anyhow::{anyhow, bail};
use openecf_app::App;
use openecf_domain::{CourtId, CourtZone, NoticeKind};
use openecf_store::GoLive;

fn utc(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `court go-live ID (--now | --on YYYY-MM-DD)`.
pub async fn go_live(app: &App, id: &str, now: bool, on: Option<String>) -> anyhow::Result<()> {
    let id = CourtId::parse(id)?;
    let when = match (now, on) {
        (true, _) => GoLive::Now,
        (false, Some(day)) => GoLive::On(super::admin::parse_date(&day, "--on")?),
        (false, None) => bail!("say --now or --on YYYY-MM-DD"),
    };
    super::admin::require_court(app, &id).await?;
    let done = openecf_app::courts::schedule_go_live(app, &id, when).await?;
    let zone = done.zone.name();
    if done.live {
        println!(
            "court {id} is live on NextGen CM/ECF since {} ({zone}; {})",
            done.day,
            utc(done.at)
        );
    } else {
        println!(
            "court {id} goes live on NextGen CM/ECF on {} at midnight {zone} ({})",
            done.day,
            utc(done.at)
        );
    }
    let what = match done.notice {
        None => {
            println!("the date is unchanged: no notice is sent again");
            return Ok(());
        }
        Some(NoticeKind::Scheduled) => "the go-live date",
        Some(NoticeKind::DateChanged) => "the changed date",
        Some(NoticeKind::Reminder) => "the reminder",
        Some(NoticeKind::NowLive) => "\"now live: link your account\"",
    };
    println!(
        "notice of {what} queued to {} CM/ECF account holder address{} (sent by the server's job queue, once each)",
        done.addresses,
        if done.addresses == 1 { "" } else { "es" }
    );
    if let Some(at) = done.reminder_at {
        println!("a reminder follows on {}", utc(at));
    }
    Ok(())
}

/// `court set ID --time-zone ZONE`.
pub async fn set(app: &App, id: &str, time_zone: Option<String>) -> anyhow::Result<()> {
    let id = CourtId::parse(id)?;
    let Some(raw) = time_zone else {
        bail!("nothing to set: say --time-zone ZONE (an IANA name like America/Chicago)");
    };
    let zone = CourtZone::parse(&raw).map_err(|e| anyhow!("--time-zone: {}", e.reason))?;
    super::admin::require_court(app, &id).await?;
    openecf_app::courts::set_time_zone(app, &id, zone).await?;
    println!("court {id}: time zone {}", zone.name());
    if let Some(status) = app.store.court_status(&id).await? {
        if let openecf_domain::NextGenStatus::NotLive { planned: Some(day) } = status.court.status {
            println!(
                "it goes live on {day} at midnight {} ({})",
                zone.name(),
                utc(zone.start_of(day))
            );
        }
    }
    Ok(())
}

/// Gives each court of a freshly seeded registry the time zone of its state.
#[cfg(feature = "server")]
pub async fn set_zones_by_state(app: &App, courts: &[openecf_store::NewCourt]) -> anyhow::Result<()> {
    for c in courts {
        if let Some(zone) = openecf_domain::go_live::zone_of_state(&c.location) {
            openecf_app::courts::set_time_zone(app, &c.id, zone).await?;
        }
    }
    Ok(())
}

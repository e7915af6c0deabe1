//! `openecf court report ID`: a court's linking progress, the same figures
//! as the clerk console's chart and its CSV.

use anyhow::anyhow;
use openecf_app::App;
use openecf_domain::CourtId;

use crate::admin::require_court;

pub async fn report(app: &App, id: &str) -> anyhow::Result<()> {
    let id = CourtId::parse(id).map_err(|e| anyhow!("court id {id:?}: {}", e.reason))?;
    let court = require_court(app, &id).await?;
    let days = openecf_app::console::progress(app, &court).await?;
    let Some(today) = days.last() else {
        return Err(anyhow!("court {id}: no figures"));
    };
    match court.status {
        openecf_domain::NextGenStatus::Live { since } => {
            println!(
                "{} ({}): live on NextGen CM/ECF since {}",
                court.id,
                court.name,
                since.date_naive()
            );
        }
        openecf_domain::NextGenStatus::NotLive { .. } => {
            println!("{} ({}): not live on NextGen CM/ECF yet", court.id, court.name);
        }
    }
    println!("accounts  {} active CM/ECF accounts", today.accounts);
    println!("linked    {}", today.linked);
    println!("share     {}", today.percent());
    println!();
    println!("last 7 days (UTC)");
    println!("{:<12} {:>9} {:>9} {:>8}", "DATE", "ACCOUNTS", "LINKED", "SHARE");
    let start = days.len().saturating_sub(7);
    for d in &days[start..] {
        println!(
            "{:<12} {:>9} {:>9} {:>8}",
            d.day.to_string(),
            d.accounts,
            d.linked,
            d.percent()
        );
    }
    Ok(())
}

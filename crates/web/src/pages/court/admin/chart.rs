//! The linking progress chart: an SVG drawn with plotters' SVG backend, made
//! accessible (`role="img"`, an `aria-label`, a `<title>`); the page puts the
//! same figures in a table beside it.

use openecf_domain::clerk::ProgressDay;
use plotters::prelude::*;

const WIDTH: u32 = 720;
const HEIGHT: u32 = 360;
/// Dark blue on white: well over the 3:1 non-text contrast WCAG asks of graphics.
const LINE: RGBColor = RGBColor(0x1f, 0x4e, 0x9c);

/// The chart of the share linked, day by day, as an SVG element.
pub(crate) fn progress_svg(court: &str, days: &[ProgressDay]) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow::anyhow!("chart: {e}"))?;
        let last = days.len().saturating_sub(1).max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..last, 0f64..100f64)
            .map_err(|e| anyhow::anyhow!("chart: {e}"))?;
        let label = |x: &f64| {
            let i = x.round().max(0.0) as usize;
            days.get(i)
                .map(|d| d.day.format("%b %e").to_string())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_desc("Day (UTC)")
            .y_desc("Linked (%)")
            .x_labels(days.len().clamp(2, 8))
            .x_label_formatter(&label)
            .y_label_formatter(&|y| format!("{y:.0}%"))
            .axis_desc_style(("sans-serif", 16).into_font().color(&BLACK))
            .label_style(("sans-serif", 14).into_font().color(&BLACK))
            .light_line_style(RGBColor(0xe4, 0xe8, 0xee))
            .draw()
            .map_err(|e| anyhow::anyhow!("chart: {e}"))?;
        let points: Vec<(f64, f64)> = days
            .iter()
            .enumerate()
            .map(|(i, d)| (i as f64, d.share() * 100.0))
            .collect();
        chart
            .draw_series(LineSeries::new(points.iter().copied(), LINE.stroke_width(3)))
            .map_err(|e| anyhow::anyhow!("chart: {e}"))?;
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 3, LINE.filled())))
            .map_err(|e| anyhow::anyhow!("chart: {e}"))?;
        root.present().map_err(|e| anyhow::anyhow!("chart: {e}"))?;
    }
    let summary = match days.last() {
        Some(d) => format!(
            "Share of the active CM/ECF accounts of {court} linked to a PACER account, day by day: {} on {} ({} of {}).",
            d.percent(),
            d.day,
            d.linked,
            d.accounts
        ),
        None => format!("No linking figures for {court} yet."),
    };
    let open = format!(
        "<svg role=\"img\" aria-label=\"{summary}\" focusable=\"false\" ",
        summary = summary.replace('"', "")
    );
    let svg = svg.replacen("<svg ", &open, 1);
    let Some(end) = svg.find('>') else {
        anyhow::bail!("chart: no <svg> element");
    };
    let title = format!("<title>{summary}</title>");
    Ok(format!("{}{title}{}", &svg[..=end], &svg[end + 1..]))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_chart_is_an_accessible_svg() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let days = [
            ProgressDay {
                day: day(1),
                accounts: 4,
                linked: 1,
            },
            ProgressDay {
                day: day(2),
                accounts: 4,
                linked: 3,
            },
        ];
        let svg = progress_svg("gamb", &days).unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"Share of the active CM/ECF accounts of gamb"));
        assert!(svg.contains("<title>Share of the active CM/ECF accounts of gamb linked to a PACER account, day by day: 75.0% on 2026-03-02 (3 of 4).</title>"));
        assert!(svg.contains("<polyline") || svg.contains("<path"), "{svg}");
        assert!(svg.contains("Linked (%)"));
    }
}

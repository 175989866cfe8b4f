//! `corpus.svg`: articles per week and the spread of article lengths, drawn
//! with plotters' SVG backend. Plotters is built without a font backend, so
//! text is laid out by a fixed estimate rather than by whatever fonts the
//! build machine has: the picture is the same bytes everywhere.

use crate::error::{Error, Result};
use crate::release::stats::Stats;
use plotters::prelude::*;

const WIDTH: u32 = 900;
const PANEL: u32 = 320;
const BAR: RGBColor = RGBColor(0x2b, 0x6c, 0xb0);

fn chart_error<E: std::fmt::Debug>(e: E) -> Error {
    Error::Chart(format!("{e:?}"))
}

/// Draws both panels for `stats`; `title` heads the picture.
pub fn svg(stats: &Stats, title: &str) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, 2 * PANEL + 40)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let root = root
            .titled(title, ("sans-serif", 18))
            .map_err(chart_error)?;
        let (top, bottom) = root.split_vertically(PANEL);

        let weeks: Vec<(String, u64)> = stats
            .weeks
            .iter()
            .map(|w| (w.week.clone(), w.articles))
            .collect();
        let caption = if stats.undated > 0 {
            format!("Articles per week ({} undated not shown)", stats.undated)
        } else {
            "Articles per week".to_string()
        };
        bars(&top, &caption, "week starting", &weeks)?;

        let lengths: Vec<(String, u64)> = stats
            .lengths
            .iter()
            .map(|b| (b.from.to_string(), b.articles))
            .collect();
        bars(&bottom, "Article length", "words (band start)", &lengths)?;
        root.present().map_err(chart_error)?;
    }
    out.push('\n');
    Ok(out)
}

/// A bar per (label, count), labels under the bars.
fn bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    caption: &str,
    x_desc: &str,
    data: &[(String, u64)],
) -> Result<()> {
    if data.is_empty() {
        // plotters' axis code overflows on an empty range.
        area.draw(&Text::new(
            format!("{caption}: no articles"),
            (20, 20),
            ("sans-serif", 15),
        ))
        .map_err(chart_error)?;
        return Ok(());
    }
    let n = data.len() as u32;
    let top = data.iter().map(|d| d.1).max().unwrap_or(0).max(1);
    let y_max = top + top.div_ceil(10);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 15))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(56)
        .build_cartesian_2d((0u32..n).into_segmented(), 0u64..y_max)
        .map_err(chart_error)?;
    let label_every = (data.len() / 12).max(1);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc(x_desc)
        .y_desc("articles")
        .x_labels(data.len().min(40))
        .x_label_formatter(&|v: &SegmentValue<u32>| match v {
            SegmentValue::CenterOf(i) if (*i as usize).is_multiple_of(label_every) => data
                .get(*i as usize)
                .map(|d| d.0.clone())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .draw()
        .map_err(chart_error)?;
    // Rectangles in data order, not plotters' Histogram: that one gathers
    // the bars in a HashMap and writes them in a different order every run.
    chart
        .draw_series(
            data.iter()
                .enumerate()
                .filter(|(_, d)| d.1 > 0)
                .map(|(i, d)| {
                    let i = i as u32;
                    let mut bar = Rectangle::new(
                        [
                            (SegmentValue::Exact(i), d.1),
                            (SegmentValue::Exact(i + 1), 0),
                        ],
                        BAR.filled(),
                    );
                    bar.set_margin(0, 0, 2, 2);
                    bar
                }),
        )
        .map_err(chart_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::stats::Collector;

    fn sample() -> Stats {
        let mut c = Collector::default();
        for (p, w) in [
            (Some("2021-11-22"), 300),
            (Some("2021-12-01"), 420),
            (None, 90),
        ] {
            c.add_parts(p, w);
        }
        c.finish()
    }

    #[test]
    fn draws_one_bar_per_week_and_band_with_labels() {
        let s = sample();
        let svg = svg(&s, "Test corpus").unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        assert!(svg.contains("Test corpus"));
        assert!(svg.contains("Articles per week (1 undated not shown)"));
        assert!(svg.contains("2021-11-22"));
        let bars = svg.matches(r##"fill="#2B6CB0""##).count();
        let nonzero = s.weeks.iter().filter(|w| w.articles > 0).count()
            + s.lengths.iter().filter(|b| b.articles > 0).count();
        assert_eq!(bars, nonzero, "{svg}");
    }

    #[test]
    fn one_article_and_many_draw_without_overflow_and_repeat_exactly() {
        for n in [1u64, 2, 7, 1000, 1_000_000] {
            let mut c = Collector::default();
            for k in 0..n.min(5000) {
                c.add_parts(Some("2021-11-22"), k * 37 % 4000);
            }
            let s = c.finish();
            assert_eq!(svg(&s, "x").unwrap(), svg(&s, "x").unwrap());
        }
    }

    #[test]
    fn an_empty_release_still_draws() {
        let s = Collector::default().finish();
        assert!(svg(&s, "Empty").unwrap().contains("Empty"));
    }
}

//! The ladder as SVG: hand-written, self-contained text (no script, no
//! external font or style sheet) on a white background, so it shows the
//! same in a browser, an image viewer and a README.
//!
//! Each segment is a `<g class="arrow">`: a slanted line from the sender's
//! line down to the receiver's (time runs down the page), its head, the
//! flags and numbers above it and the phase and step below it.

use super::{Group, Ladder, Row};
use std::fmt::Write;
use tcpphase::phase::Phase;

/// Width of a character of the 12 px monospace font.
const CHAR_W: f64 = 7.3;
/// Width of a character of the 11 px arrow labels.
const LABEL_CHAR_W: f64 = 6.7;
/// Height of a row.
const ROW_H: f64 = 44.0;
/// How far an arrow falls from sender to receiver.
const DROP: f64 = 18.0;
/// Top of the first row.
const TOP: f64 = 118.0;
/// Width of a state name column (`SYN-RECEIVED`).
const STATE_W: f64 = 12.0 * CHAR_W;

/// The colour of a phase's arrows.
const fn phase_fill(phase: Phase) -> &'static str {
    match phase {
        Phase::Handshake => "#1f6fb2",
        Phase::Data => "#4a4a4a",
        Phase::ActiveClose => "#c2571a",
        Phase::PassiveClose => "#7b3fa8",
        Phase::HalfClose => "#12806b",
        Phase::Reset => "#c62828",
        Phase::Other => "#8c8c8c",
    }
}

/// Text safe inside an XML element or attribute.
fn xml(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            c => s.push(c),
        }
    }
    s
}

/// Draws `ladder` as an SVG document.
pub fn render(ladder: &Ladder) -> String {
    let arrows = || {
        ladder.rows.iter().filter_map(|r| match r {
            Row::Arrow(a) => Some(a),
            _ => None,
        })
    };
    let gutter_chars = ladder
        .brackets
        .iter()
        .flat_map(|b| [b.group.name().len(), b.note.map_or(0, str::len)])
        .max()
        .unwrap_or(0) as f64;
    let frame_chars = arrows()
        .map(|a| a.segment.frame.to_string().len())
        .chain([5])
        .max()
        .unwrap_or(5) as f64;
    let time_chars = arrows()
        .map(|a| format!("{:.6}", a.time).len())
        .chain([8])
        .max()
        .unwrap_or(8) as f64;
    let label_chars = arrows()
        .map(|a| a.label.len().max(a.step.len()))
        .max()
        .unwrap_or(0) as f64;

    let x_label = 16.0 + gutter_chars * CHAR_W;
    let x_bracket = x_label + 10.0;
    let x_frame = x_bracket + 18.0 + frame_chars * CHAR_W;
    let x_time = x_frame + 12.0;
    let x_left = x_time + time_chars * CHAR_W + 24.0 + STATE_W;
    let span = (label_chars * LABEL_CHAR_W + 90.0).max(360.0);
    let x_right = x_left + span;
    let width = x_right + 12.0 + STATE_W + 24.0;
    let bottom = TOP + ladder.rows.len() as f64 * ROW_H;
    let height = bottom + 16.0;
    let row_y = |i: usize| TOP + i as f64 * ROW_H;

    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="12">"#
    );
    let title = format!(
        "stream {}: {} and {}, {} segment{}",
        ladder.stream,
        ladder.left.title(),
        ladder.right.title(),
        ladder.segments,
        if ladder.segments == 1 { "" } else { "s" }
    );
    let _ = writeln!(s, "<title>{}</title>", xml(&title));
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r##"<text x="16" y="26" font-size="14" font-weight="bold" fill="#222222">{}</text>"##,
        xml(&title)
    );

    // The two ends, their lines, and the column heads.
    for (x, party) in [(x_left, &ladder.left), (x_right, &ladder.right)] {
        let role = format!(
            "{}{}",
            party.side.name(),
            if party.guessed { "?" } else { "" }
        );
        let _ = writeln!(
            s,
            r##"<text x="{x:.1}" y="60" text-anchor="middle" font-size="13" font-weight="bold" fill="#222222">{role}</text>"##
        );
        let _ = writeln!(
            s,
            r##"<text x="{x:.1}" y="78" text-anchor="middle" fill="#444444">{}</text>"##,
            xml(&party.addr.to_string())
        );
        let _ = writeln!(
            s,
            r##"<line class="lifeline" x1="{x:.1}" y1="88" x2="{x:.1}" y2="{:.1}" stroke="#333333" stroke-width="2"/>"##,
            bottom - 6.0
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="{x_frame:.1}" y="100" text-anchor="end" font-size="11" fill="#777777">frame</text>"##
    );
    let _ = writeln!(
        s,
        r##"<text x="{x_time:.1}" y="100" font-size="11" fill="#777777">time (s)</text>"##
    );

    // The phase brackets.
    for b in &ladder.brackets {
        let top = row_y(b.first) - 8.0;
        let low = row_y(b.last) + DROP + 8.0;
        let color = phase_fill(b.group.color_phase());
        let _ = writeln!(
            s,
            r#"<path class="bracket" d="M{:.1},{top:.1} H{x_bracket:.1} V{low:.1} H{:.1}" fill="none" stroke="{color}" stroke-width="1.5"/>"#,
            x_bracket + 7.0,
            x_bracket + 7.0
        );
        let mid = (top + low) / 2.0;
        let (label_y, note_y) = if b.note.is_some() && low - top > 30.0 {
            (mid - 2.0, Some(mid + 12.0))
        } else {
            (mid + 4.0, None)
        };
        let _ = writeln!(
            s,
            r#"<text x="{x_label:.1}" y="{label_y:.1}" text-anchor="end" font-weight="bold" fill="{color}">{}</text>"#,
            b.group.name()
        );
        if let (Some(note), Some(y)) = (b.note, note_y) {
            let _ = writeln!(
                s,
                r#"<text x="{x_label:.1}" y="{y:.1}" text-anchor="end" font-size="11" font-style="italic" fill="{color}">{note}</text>"#
            );
        }
    }

    // The rows.
    let mid_x = (x_left + x_right) / 2.0;
    for (i, row) in ladder.rows.iter().enumerate() {
        let y = row_y(i);
        match row {
            Row::Arrow(a) => {
                let color = phase_fill(a.segment.phase);
                let (x1, x2) = if a.rightward {
                    (x_left, x_right)
                } else {
                    (x_right, x_left)
                };
                let (y1, y2) = (y, y + DROP);
                let (dx, dy) = (x2 - x1, y2 - y1);
                let len = dx.hypot(dy);
                let (ux, uy) = (dx / len, dy / len);
                let (bx, by) = (x2 - 10.0 * ux, y2 - 10.0 * uy);
                let (nx, ny) = (-uy * 4.5, ux * 4.5);
                let angle =
                    (dy / dx.abs()).atan().to_degrees() * if a.rightward { 1.0 } else { -1.0 };
                let my = (y1 + y2) / 2.0;
                let _ = writeln!(
                    s,
                    r#"<g class="arrow" data-frame="{}" data-phase="{}">"#,
                    a.segment.frame,
                    a.segment.phase.name()
                );
                let _ = writeln!(
                    s,
                    r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{bx:.1}" y2="{by:.1}" stroke="{color}" stroke-width="1.6"/>"#
                );
                let _ = writeln!(
                    s,
                    r#"<polygon points="{x2:.1},{y2:.1} {:.1},{:.1} {:.1},{:.1}" fill="{color}"/>"#,
                    bx + nx,
                    by + ny,
                    bx - nx,
                    by - ny
                );
                let _ = writeln!(
                    s,
                    r#"<text x="{mid_x:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="{color}" transform="rotate({angle:.2} {mid_x:.1} {my:.1})">{}</text>"#,
                    my - 6.0,
                    xml(&a.label)
                );
                let _ = writeln!(
                    s,
                    r##"<text x="{mid_x:.1}" y="{:.1}" text-anchor="middle" font-size="10" font-style="italic" fill="#7a7a7a" transform="rotate({angle:.2} {mid_x:.1} {my:.1})">{}</text>"##,
                    my + 14.0,
                    xml(&a.step)
                );
                let _ = writeln!(
                    s,
                    r##"<text x="{x_frame:.1}" y="{:.1}" text-anchor="end" fill="#555555">{}</text>"##,
                    my + 4.0,
                    a.segment.frame
                );
                let _ = writeln!(
                    s,
                    r##"<text x="{x_time:.1}" y="{:.1}" fill="#555555">{:.6}</text>"##,
                    my + 4.0,
                    a.time
                );
                let _ = writeln!(s, "</g>");
                // States where they change: the sender's at the tail, the
                // receiver's at the head.
                let (left_y, right_y) = if a.rightward { (y1, y2) } else { (y2, y1) };
                if let Some(state) = a.left_state {
                    state_mark(&mut s, x_left, left_y, state.name(), true);
                }
                if let Some(state) = a.right_state {
                    state_mark(&mut s, x_right, right_y, state.name(), false);
                }
            }
            Row::Fold { count, group } => {
                let what = if *group == Group::HalfClose {
                    "half-close"
                } else {
                    "data"
                };
                for x in [x_left, x_right] {
                    let _ = writeln!(
                        s,
                        r##"<rect x="{:.1}" y="{:.1}" width="8" height="{:.1}" fill="#ffffff"/>"##,
                        x - 4.0,
                        y - 8.0,
                        DROP + 16.0
                    );
                    let _ = writeln!(
                        s,
                        r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#333333" stroke-width="2" stroke-dasharray="2 4"/>"##,
                        y - 8.0,
                        y + DROP + 8.0
                    );
                }
                let _ = writeln!(
                    s,
                    r##"<text class="fold" x="{mid_x:.1}" y="{:.1}" text-anchor="middle" font-style="italic" fill="#555555">... {count} {what} segments ...</text>"##,
                    y + DROP / 2.0 + 4.0
                );
            }
            Row::NewConnection { conn } => {
                let line_y = y + DROP / 2.0;
                let _ = writeln!(
                    s,
                    r##"<line x1="{x_left:.1}" y1="{line_y:.1}" x2="{x_right:.1}" y2="{line_y:.1}" stroke="#999999" stroke-dasharray="6 4"/>"##
                );
                let _ = writeln!(
                    s,
                    r##"<text x="{mid_x:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="#777777">connection {conn}</text>"##,
                    line_y - 6.0
                );
            }
        }
    }
    let _ = writeln!(s, "</svg>");
    s
}

/// A state written beside a line where it changes, with a dot on the line.
fn state_mark(s: &mut String, x: f64, y: f64, state: &str, left: bool) {
    let (tx, anchor) = if left {
        (x - 10.0, "end")
    } else {
        (x + 10.0, "start")
    };
    let _ = writeln!(
        s,
        r##"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="#333333"/>"##
    );
    let _ = writeln!(
        s,
        r##"<text class="state" x="{tx:.1}" y="{:.1}" text-anchor="{anchor}" font-weight="bold" fill="#222222">{state}</text>"##,
        y + 4.0
    );
}

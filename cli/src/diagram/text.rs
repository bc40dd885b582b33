//! The ladder in the terminal: Unicode box drawing, or plain ASCII.
//!
//! ```text
//!              client 127.0.0.1:41104              server 127.0.0.1:47001
//!  frame  time                      │                    │
//! ┌    1  0.000000        SYN-SENT ├── SYN seq=0 len=0 ─▶│ LISTEN        handshake syn
//! ```

use super::{Ladder, Row};
use crate::color::{paint as push_painted, phase_color};

/// The characters of one drawing style.
struct Glyphs {
    line: char,
    dash: char,
    head_right: char,
    head_left: char,
    tail_left: char,
    tail_right: char,
    top: char,
    middle: char,
    bottom: char,
    single: char,
    cut: char,
}

const UNICODE: Glyphs = Glyphs {
    line: '│',
    dash: '─',
    head_right: '▶',
    head_left: '◀',
    tail_left: '├',
    tail_right: '┤',
    top: '┌',
    middle: '│',
    bottom: '└',
    single: '╶',
    cut: '┄',
};

const ASCII: Glyphs = Glyphs {
    line: '|',
    dash: '-',
    head_right: '>',
    head_left: '<',
    tail_left: '+',
    tail_right: '+',
    top: '/',
    middle: '|',
    bottom: '\\',
    single: '-',
    cut: '-',
};

/// The widest state name, `SYN-RECEIVED`.
const STATE_WIDTH: usize = 12;

/// Draws `ladder` as text, one line per row, coloured by phase if `color`.
pub fn render(ladder: &Ladder, ascii: bool, color: bool) -> String {
    let g = if ascii { &ASCII } else { &UNICODE };
    let arrows = || {
        ladder.rows.iter().filter_map(|r| match r {
            Row::Arrow(a) => Some(a),
            _ => None,
        })
    };
    let gutter = ladder
        .brackets
        .iter()
        .flat_map(|b| [b.group.name().len(), b.note.map_or(0, str::len)])
        .max()
        .unwrap_or(0);
    let frame_w = arrows()
        .map(|a| a.segment.frame.to_string().len())
        .chain([5])
        .max()
        .unwrap_or(5);
    let times: Vec<String> = arrows().map(|a| format!("{:.6}", a.time)).collect();
    let time_w = times.iter().map(String::len).chain([4]).max().unwrap_or(4);
    let arrow_w = arrows()
        .map(|a| a.label.chars().count() + 10)
        .chain([40])
        .max()
        .unwrap_or(40);
    // Column of the left line, and of the right one.
    let left_col = gutter + 3 + frame_w + 2 + time_w + 1 + STATE_WIDTH + 1;
    let right_col = left_col + 1 + arrow_w;

    let mut out = String::new();
    let s = |n: usize| if n == 1 { "" } else { "s" };
    out.push_str(&format!(
        "stream {}: {} and {}, {} segment{}; time in seconds since the stream's first segment\n\n",
        ladder.stream,
        ladder.left.title(),
        ladder.right.title(),
        ladder.segments,
        s(ladder.segments),
    ));
    let roles = [
        ladder.left.side.name().to_string() + if ladder.left.guessed { "?" } else { "" },
        ladder.right.side.name().to_string() + if ladder.right.guessed { "?" } else { "" },
    ];
    out.push_str(&over_lines(&roles[0], &roles[1], left_col, right_col));
    out.push_str(&over_lines(
        &ladder.left.addr.to_string(),
        &ladder.right.addr.to_string(),
        left_col,
        right_col,
    ));
    let mut head = format!(
        "{:gutter$}   {:>frame_w$}  {:>time_w$} {:STATE_WIDTH$} {}",
        "", "frame", "time", "", g.line
    );
    head.push_str(&" ".repeat(arrow_w));
    head.push(g.line);
    out.push_str(&head);
    out.push('\n');

    let mut time_index = 0;
    for (i, row) in ladder.rows.iter().enumerate() {
        let mut line = String::new();
        // The bracket gutter: label on the first row, note on the second.
        let (label, mark, paint) = match ladder.bracket_of(i) {
            Some((b, first, last)) => {
                let label = if first {
                    b.group.name()
                } else if i == b.first + 1 {
                    b.note.unwrap_or("")
                } else {
                    ""
                };
                let mark = match (first, last) {
                    (true, true) => g.single,
                    (true, false) => g.top,
                    (false, true) => g.bottom,
                    (false, false) => g.middle,
                };
                let paint = if color {
                    phase_color(b.group.color_phase())
                } else {
                    ""
                };
                (label, mark, paint)
            }
            None => ("", ' ', ""),
        };
        push_painted(&mut line, paint, &format!("{label:<gutter$} {mark}"));
        line.push(' ');
        match row {
            Row::Arrow(a) => {
                let time = &times[time_index];
                time_index += 1;
                let paint = if color {
                    phase_color(a.segment.phase)
                } else {
                    ""
                };
                line.push_str(&format!(
                    "{:>frame_w$}  {time:>time_w$} {:>STATE_WIDTH$} ",
                    a.segment.frame,
                    a.left_state.map_or("", |s| s.name()),
                ));
                let inner = arrow_w - 1;
                let text = format!(" {} ", a.label);
                let pad = inner.saturating_sub(text.chars().count());
                let (before, after) = (pad / 2, pad - pad / 2);
                let dashes = |n: usize| g.dash.to_string().repeat(n);
                let body = if a.rightward {
                    line.push(g.tail_left);
                    format!("{}{text}{}{}", dashes(before), dashes(after), g.head_right)
                } else {
                    line.push(g.line);
                    format!("{}{}{text}{}", g.head_left, dashes(before), dashes(after))
                };
                push_painted(&mut line, paint, &body);
                line.push(if a.rightward { g.line } else { g.tail_right });
                line.push(' ');
                line.push_str(&format!(
                    "{:<STATE_WIDTH$}  ",
                    a.right_state.map_or("", |s| s.name())
                ));
                push_painted(&mut line, paint, &a.step);
            }
            Row::Fold { count, group } => {
                let what = match group {
                    super::Group::HalfClose => "half-close",
                    _ => "data",
                };
                let text = format!("... {count} {what} segments ...");
                line.push_str(&format!(
                    "{:frame_w$}  {:time_w$} {:STATE_WIDTH$} {}{:^arrow_w$}{}",
                    "", "", "", g.line, text, g.line
                ));
            }
            Row::NewConnection { conn } => {
                let text = format!(" connection {conn} ");
                let pad = arrow_w.saturating_sub(text.chars().count());
                let cut = |n: usize| g.cut.to_string().repeat(n);
                line.push_str(&format!(
                    "{:frame_w$}  {:time_w$} {:STATE_WIDTH$} {}{}{text}{}{}",
                    "",
                    "",
                    "",
                    g.line,
                    cut(pad / 2),
                    cut(pad - pad / 2),
                    g.line
                ));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A line with `left` centred over column `left_col` and `right` over
/// `right_col`, each kept whole and apart.
fn over_lines(left: &str, right: &str, left_col: usize, right_col: usize) -> String {
    let (lw, rw) = (left.chars().count(), right.chars().count());
    let left_start = left_col.saturating_sub(lw / 2);
    let mut right_start = right_col.saturating_sub(rw / 2);
    if right_start < left_start + lw + 2 {
        right_start = left_start + lw + 2;
    }
    let mut line = " ".repeat(left_start);
    line.push_str(left);
    line.push_str(&" ".repeat(right_start - left_start - lw));
    line.push_str(right);
    line.push('\n');
    line
}

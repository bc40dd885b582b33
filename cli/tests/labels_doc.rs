//! docs/labels.md, the users' vocabulary reference, names everything the
//! library and the CLI print: a name added to the library without a line
//! in docs/labels.md fails here.

use tcpphase::phase::{AnomalyFlags, Closer, Direction, Phase, Step, TcpState};
use tcpphase::summary::{CloseKind, ConnSummary, HandshakeOutcome, Role};
use tcpphase::track::Annotation;
use tcpphase_cli::records::{keys, Malformed};
use tcpphase_cli::states::EndpointRecord;

fn repo_file(path: &str) -> String {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The section of docs/labels.md under `## title`, to the next `## `.
fn section(title: &str) -> String {
    let doc = repo_file("docs/labels.md");
    let start = doc
        .find(&format!("\n## {title}\n"))
        .unwrap_or_else(|| panic!("docs/labels.md has no section '## {title}'"));
    let rest = &doc[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |n| n + 3);
    rest[..end].to_string()
}

/// Every name has a table row of its own (`| `name` |`) in the section.
fn has_rows(title: &str, names: impl IntoIterator<Item = impl AsRef<str>>) {
    let text = section(title);
    for name in names {
        let name = name.as_ref();
        if name.is_empty() {
            continue;
        }
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("| `{name}` |"))),
            "docs/labels.md, section '{title}': no row for `{name}`"
        );
    }
}

/// Every value of the library's enums that have no list of their own: a
/// variant added there breaks this match until it is added here.
fn outcomes() -> Vec<HandshakeOutcome> {
    use HandshakeOutcome::*;
    let all = vec![Complete, Refused, NoAnswer, NotSeen];
    for o in &all {
        match o {
            Complete | Refused | NoAnswer | NotSeen => {}
        }
    }
    all
}

fn close_kinds() -> Vec<CloseKind> {
    use CloseKind::*;
    let all = vec![Fin3, Fin4, Simultaneous, Reset, HalfOpen, Open];
    for k in &all {
        match k {
            Fin3 | Fin4 | Simultaneous | Reset | HalfOpen | Open => {}
        }
    }
    all
}

fn roles_and_directions() -> Vec<&'static str> {
    let mut names = Vec::new();
    for d in [Direction::ClientToServer, Direction::ServerToClient] {
        match d {
            Direction::ClientToServer | Direction::ServerToClient => names.push(d.name()),
        }
    }
    for c in [Closer::None, Closer::Active, Closer::Passive] {
        match c {
            Closer::None | Closer::Active | Closer::Passive => names.push(c.name()),
        }
    }
    for r in [Role::Client, Role::Server] {
        match r {
            Role::Client | Role::Server => names.push(r.name()),
        }
    }
    names
}

#[test]
fn every_record_key_is_documented() {
    let mut segment = keys::<Annotation>();
    segment.extend(keys::<Malformed>());
    has_rows("Segment fields", segment);
    has_rows("Connection summary fields", keys::<ConnSummary>());
    has_rows("The states command", keys::<EndpointRecord>());
}

#[test]
fn every_label_is_documented() {
    has_rows("Phases", Phase::ALL.map(Phase::name));
    has_rows("Steps", Step::ALL.map(Step::name));
    has_rows("Flags", AnomalyFlags::ALL.map(|(_, name)| name));
    has_rows("Directions and roles", roles_and_directions());
    has_rows(
        "Handshake outcomes",
        outcomes().into_iter().map(|o| o.name()),
    );
    has_rows("Close kinds", close_kinds().into_iter().map(|k| k.name()));
    // Each step row names a phase the step belongs to.
    let steps = section("Steps");
    for line in steps.lines().filter(|l| l.starts_with("| `")) {
        let phase = line.split('|').nth(2).unwrap().trim();
        assert!(
            Phase::from_name(phase).is_some(),
            "docs/labels.md, Steps: '{phase}' is not a phase: {line}"
        );
    }
}

#[test]
fn every_state_is_documented_with_its_netstat_and_ss_spellings() {
    let states = section("States");
    for s in TcpState::ALL {
        let row = format!(
            "| `{}` | `{}` | `{}` |",
            s.name(),
            s.netstat_name(),
            s.ss_name()
        );
        assert!(
            states.lines().any(|l| l.starts_with(&row)),
            "docs/labels.md, States: no row {row}"
        );
    }
}

/// The string literals between `start` and the next `\n    }\n` of `text`.
fn literals_of_fn(text: &str, start: &str) -> Vec<String> {
    let from = text.find(start).expect(start);
    let body = &text[from..];
    let body = &body[..body.find("\n    }\n").unwrap_or(body.len())];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

#[test]
fn every_zeek_and_wireshark_term_is_documented() {
    let zeek = repo_file("dissector/src/summary/zeek.rs");
    let states = literals_of_fn(&zeek, "pub fn conn_state(");
    assert!(states.len() >= 10, "conn_state values: {states:?}");
    has_rows("Zeek", &states);
    // History letters: every byte literal the history is built from.
    let letters: Vec<String> = zeek
        .match_indices("b'")
        .filter_map(|(at, _)| {
            let mut rest = zeek[at + 2..].chars();
            let letter = rest.next()?;
            (rest.next() == Some('\'')).then(|| letter.to_string())
        })
        .collect();
    assert!(letters.len() >= 10, "history letters: {letters:?}");
    has_rows("Zeek", &letters);

    let completeness = repo_file("dissector/src/summary/completeness.rs");
    let wireshark = section("Wireshark");
    let mut bits = 0;
    for line in completeness.lines() {
        let Some(rest) = line.strip_prefix("pub const ") else {
            continue;
        };
        let (name, value) = rest.split_once(": u8 = ").expect(line);
        let value = value.trim_end_matches(';');
        let row = format!("| {value} | `{}` |", name.replace('_', "-"));
        assert!(
            wireshark.lines().any(|l| l.starts_with(&row)),
            "docs/labels.md, Wireshark: no row {row}"
        );
        bits += 1;
    }
    assert_eq!(bits, 6, "completeness bits");
}

#[test]
fn nothing_user_facing_points_outside_the_repository() {
    for path in ["README.md", "docs/labels.md", "cli/src/main.rs"] {
        let text = repo_file(path);
        assert!(!text.contains("../shared"), "{path} points to ../shared");
        assert!(!text.contains("DESIGN.md"), "{path} points to DESIGN.md");
    }
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_tcpphase"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("docs/labels.md"), "{help}");
}

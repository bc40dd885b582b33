//! What `tcpphase states` and `tcpphase diagram` print for every recorded
//! capture (text, JSON, SVG), the state spellings of `--style`, the filters,
//! and the colours; and that the diagram in docs/ is the one the command
//! draws today.

use std::path::PathBuf;
use tcpphase_cli::annotate::{self, AnnotateOptions};
use tcpphase_cli::diagram::{self, DiagramOptions};
use tcpphase_cli::filter::{Filter, PhaseSet};
use tcpphase_cli::input::Source;
use tcpphase_cli::states::{self, StatesOptions, Style};
use tcpphase_cli::tracking::Moment;
use tcpphase_cli::Format;

fn recorded_captures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut captures: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("snapshots/captures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    captures.sort();
    assert!(captures.len() >= 15, "recordings missing");
    captures
}

fn capture(name: &str) -> String {
    format!("{}/captures/{name}.pcap", env!("CARGO_MANIFEST_DIR"))
}

fn name_of(path: &std::path::Path) -> String {
    path.file_stem().unwrap().to_string_lossy().to_string()
}

fn printed(run: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut out = Vec::new();
    run(&mut out);
    String::from_utf8(out).expect("UTF-8 output")
}

fn states_of(file: &str, filter: &Filter, options: StatesOptions) -> String {
    printed(|o| states::run(&Source::file(file), filter, options, o).expect("states"))
}

fn diagram_of(file: &str, options: &DiagramOptions) -> String {
    printed(|o| diagram::run(&Source::file(file), &Filter::default(), options, o).expect("diagram"))
}

fn svg_of(file: &str, stream: u64, full: bool) -> String {
    let options = DiagramOptions {
        stream,
        full,
        svg: Some("-".into()),
        ..DiagramOptions::default()
    };
    diagram_of(file, &options)
}

#[test]
fn states_at_the_end_of_every_recorded_capture() {
    for path in recorded_captures() {
        let name = name_of(&path);
        let file = path.to_string_lossy().to_string();
        let all = StatesOptions {
            all: true,
            ..StatesOptions::default()
        };
        let text = states_of(&file, &Filter::default(), all);
        let json = states_of(
            &file,
            &Filter::default(),
            StatesOptions {
                format: Format::Json,
                ..all
            },
        );
        // Two endpoints for every connection, each with a frame.
        for line in json.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            for key in [
                "conn", "stream", "side", "local", "peer", "state", "frame", "ts",
            ] {
                assert!(v.get(key).is_some(), "{name}: {key} missing in {line}");
            }
        }
        assert_eq!(json.lines().count() % 2, 0, "{name}");
        insta::assert_snapshot!(format!("states_{name}"), text);
        insta::assert_snapshot!(format!("states_json_{name}"), json);
    }
}

#[test]
fn states_spelled_as_rfc_netstat_and_ss_at_each_moment_of_a_close() {
    let file = capture("http-server-closes");
    let mut all = String::new();
    for at in [
        Moment::Frame(1),
        Moment::Frame(2),
        Moment::Frame(8),
        Moment::Frame(9),
        Moment::Time(350_000_000),
        Moment::End,
    ] {
        for style in [Style::Rfc, Style::Netstat, Style::Ss] {
            let options = StatesOptions {
                at,
                style,
                all: true,
                format: Format::Text,
            };
            all.push_str(&format!("--- {at:?} {style:?}\n"));
            all.push_str(&states_of(&file, &Filter::default(), options));
        }
    }
    // The spellings the issue names.
    assert!(all.contains("FIN-WAIT-2") && all.contains("FIN_WAIT2"));
    assert!(all.contains("ESTAB ") && all.contains("SYN-RECV ") && all.contains("SYN_RECV"));
    insta::assert_snapshot!("states_styles_http-server-closes", all);
}

#[test]
fn states_filtered_by_port_host_stream_and_phase() {
    let file = capture("port-reuse");
    let base = StatesOptions {
        all: true,
        ..StatesOptions::default()
    };
    let by_stream = Filter {
        streams: vec![1],
        ..Filter::default()
    };
    let text = states_of(&file, &by_stream, base);
    assert_eq!(text.lines().filter(|l| l.contains("127.0.0.1")).count(), 2);
    let by_phase = Filter {
        phases: PhaseSet::parse("handshake").unwrap(),
        ..Filter::default()
    };
    let during_handshake = states_of(
        &file,
        &by_phase,
        StatesOptions {
            at: Moment::Frame(13),
            ..base
        },
    );
    insta::assert_snapshot!(
        "states_filtered_port-reuse",
        format!("{text}{during_handshake}")
    );
}

#[test]
fn diagrams_of_every_recorded_capture() {
    for path in recorded_captures() {
        let name = name_of(&path);
        let file = path.to_string_lossy().to_string();
        let text = diagram_of(&file, &DiagramOptions::default());
        insta::assert_snapshot!(format!("diagram_{name}"), text);
    }
}

#[test]
fn diagram_variants_ascii_full_second_stream_json_and_phase_filter() {
    let bulk = capture("data-bulk");
    let ascii_full = diagram_of(
        &bulk,
        &DiagramOptions {
            ascii: true,
            full: true,
            ..DiagramOptions::default()
        },
    );
    assert!(ascii_full.is_ascii());
    assert!(!ascii_full.contains("data segments ..."));
    insta::assert_snapshot!("diagram_ascii_full_data-bulk", ascii_full);

    let second = diagram_of(
        &capture("port-reuse"),
        &DiagramOptions {
            stream: 1,
            ..DiagramOptions::default()
        },
    );
    insta::assert_snapshot!("diagram_stream1_port-reuse", second);

    let json = diagram_of(
        &capture("half-close"),
        &DiagramOptions {
            format: Format::Json,
            ..DiagramOptions::default()
        },
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("one JSON object");
    assert_eq!(v["segments"].as_array().unwrap().len(), 15);
    insta::assert_snapshot!("diagram_json_half-close", json);

    let close_only = printed(|o| {
        let filter = Filter {
            phases: PhaseSet::parse("handshake,close").unwrap(),
            ..Filter::default()
        };
        diagram::run(
            &Source::file(&capture("half-close")),
            &filter,
            &DiagramOptions::default(),
            o,
        )
        .expect("diagram")
    });
    insta::assert_snapshot!("diagram_handshake_and_close_half-close", close_only);
}

/// The arrows of an SVG diagram, after checking it is well-formed XML.
fn svg_arrows(svg: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("arrow"))
        .count()
}

#[test]
fn svg_is_well_formed_with_one_arrow_per_segment() {
    for path in recorded_captures() {
        let name = name_of(&path);
        let file = path.to_string_lossy().to_string();
        let json = diagram_of(
            &file,
            &DiagramOptions {
                format: Format::Json,
                ..DiagramOptions::default()
            },
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let segments = v["segments"].as_array().unwrap().len();
        assert_eq!(
            svg_arrows(&svg_of(&file, 0, true)),
            segments,
            "{name} --full"
        );
        // Folded: the arrows shown plus the folded ones.
        let folded = svg_of(&file, 0, false);
        let doc = roxmltree::Document::parse(&folded).unwrap();
        let hidden: usize = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("fold"))
            .map(|n| {
                let text = n.text().unwrap();
                text.split_whitespace()
                    .nth(1)
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
            .sum();
        assert_eq!(svg_arrows(&folded) + hidden, segments, "{name} folded");
    }
}

#[test]
fn svg_snapshots_and_the_diagram_in_docs() {
    let svg = svg_of(&capture("http-server-closes"), 0, false);
    insta::assert_snapshot!("diagram_svg_http-server-closes", svg);
    insta::assert_snapshot!(
        "diagram_svg_data-bulk",
        svg_of(&capture("data-bulk"), 0, false)
    );
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/http-server-closes.svg");
    let committed = std::fs::read_to_string(&docs).unwrap_or_default();
    assert!(
        committed == svg,
        "docs/http-server-closes.svg is not what the command draws today; redraw it with\n  \
         cargo run -p tcpphase-cli -- diagram --stream 0 --svg docs/http-server-closes.svg snapshots/captures/http-server-closes.pcap"
    );
}

#[test]
fn annotate_filtered_and_coloured() {
    let file = capture("half-close");
    let run = |filter: &Filter, options: AnnotateOptions| {
        printed(|o| annotate::run(&Source::file(&file), filter, options, o).expect("annotate"))
    };
    let text = AnnotateOptions::default();
    let close = Filter {
        phases: PhaseSet::parse("close,half-close").unwrap(),
        ..Filter::default()
    };
    let by_port = Filter {
        ports: vec![47005],
        hosts: vec!["127.0.0.1".parse().unwrap()],
        ..Filter::default()
    };
    let nothing = Filter {
        ports: vec![1],
        ..Filter::default()
    };
    assert_eq!(run(&by_port, text), run(&Filter::default(), text));
    assert_eq!(run(&nothing, text), "");
    insta::assert_snapshot!("annotate_close_phases_half-close", run(&close, text));
    let coloured = run(
        &Filter::default(),
        AnnotateOptions {
            format: Format::Text,
            color: true,
        },
    );
    assert!(coloured.contains("\x1b[36m"), "half-close in cyan");
    insta::assert_snapshot!("annotate_coloured_half-close", coloured);
    let json = run(
        &close,
        AnnotateOptions {
            format: Format::Json,
            color: false,
        },
    );
    assert_eq!(json.lines().count(), 10);
    assert!(!json.contains('\x1b'));
}

//! What a new user tripped on: `--host` with a prefix, `diagram` given
//! several streams, the same file given twice, a time past the end of the
//! capture, and a connection table wider than the addresses need.

mod common;
use common::*;

#[test]
fn host_takes_cidr_prefixes_v4_and_v6() {
    let v4 = recording("half-close.pcap");
    let all = tcpphase(&["annotate", &v4], None);
    let by_net = tcpphase(&["annotate", "--host", "127.0.0.0/8", &v4], None);
    assert_eq!((by_net.code, by_net.out.as_str()), (0, all.out.as_str()));
    let elsewhere = tcpphase(&["annotate", "--host", "10.0.0.0/8,::/0", &v4], None);
    assert_eq!((elsewhere.code, elsewhere.out.as_str()), (0, ""));

    let v6 = recording("ipv6.pcap");
    let all = tcpphase(&["conns", "--json", &v6], None);
    let by_net = tcpphase(&["conns", "--json", "--host", "::/64", &v6], None);
    assert_eq!(by_net.out, all.out);
    assert_eq!(all.out.lines().count(), 1);
    let v4_net = tcpphase(&["conns", "--json", "--host", "0.0.0.0/0", &v6], None);
    assert_eq!(v4_net.out, "");

    let bad = tcpphase(&["conns", "--host", "10.0.0.0/33", &v4], None);
    assert_eq!(bad.code, 2);
    assert!(
        bad.err.contains("'/33' is not a prefix length"),
        "{}",
        bad.err
    );
}

#[test]
fn diagram_says_plainly_it_draws_one_stream() {
    let path = recording("port-reuse.pcap");
    let r = tcpphase(&["diagram", "--stream", "0,1", &path], None);
    assert_eq!(r.code, 2);
    assert!(
        r.err.contains("diagram draws one stream at a time"),
        "{}",
        r.err
    );
    assert!(!r.err.contains("invalid digit"), "{}", r.err);
}

#[test]
fn the_same_file_twice_is_refused() {
    let path = recording("half-close.pcap");
    let r = tcpphase(&["conns", &path, &path], None);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("is given twice"), "{}", r.err);
    assert_eq!(r.out, "");
    // Two names of one file.
    let dir = std::path::Path::new(&path).parent().unwrap();
    let other = dir.join(".").join("half-close.pcap");
    let r = tcpphase(&["annotate", &path, other.to_str().unwrap()], None);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("given twice (as"), "{}", r.err);
    // Two different files are fine.
    let r = tcpphase(&["conns", &path, &recording("refused.pcap")], None);
    assert_eq!(r.code, 0, "{}", r.err);
}

#[test]
fn a_time_past_the_end_says_the_capture_ends_earlier() {
    let path = recording("close-four-segment.pcap");
    let far = tcpphase(&["states", "--at-time", "1e12", &path], None);
    assert_eq!(far.code, 0, "{}", far.err);
    let first = far.out.lines().next().unwrap();
    assert!(
        first.contains("the capture ends") && first.contains("ends earlier, at 0.5"),
        "{first}"
    );
    assert!(!far.out.contains("18446744073"), "{}", far.out);
    let later = tcpphase(&["states", "--at-time", "100", &path], None);
    assert!(
        later
            .out
            .starts_with("at 100.000000 s, after the capture ends"),
        "{}",
        later.out
    );
    let within = tcpphase(&["states", "--at-time", "0.0001", &path], None);
    assert!(
        within.out.starts_with("at 0.000100 s, after frame 3\n"),
        "{}",
        within.out
    );
}

#[test]
fn the_connection_table_is_as_wide_as_its_addresses() {
    let widths = |name: &str| -> Vec<usize> {
        let r = tcpphase(&["conns", &recording(name)], None);
        assert_eq!(r.code, 0, "{}", r.err);
        r.out.lines().map(|l| l.chars().count()).collect()
    };
    let v4 = widths("port-reuse.pcap");
    assert!(v4.iter().all(|&w| w == v4[0]), "aligned: {v4:?}");
    let v6 = widths("ipv6.pcap");
    assert!(v6.iter().all(|&w| w == v6[0]), "aligned: {v6:?}");
    // Each address column is as wide as the widest address of its family.
    assert_eq!(
        v6[0] - v4[0],
        2 * ("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535".len()
            - "255.255.255.255:65535".len())
    );
    assert!(v4[0] < 160, "{v4:?}");
}

//! Each header parser of the encapsulations and tunnels on its own: PPP,
//! PPPoE, Cisco HDLC, NFLOG, radiotap, 802.11, LLC/SNAP, GRE, ERSPAN, UDP,
//! VXLAN, Geneve.
//!
//! Input: one selector byte (which parser), then the bytes. Checks what
//! each parser promises beyond not panicking: the header length it gives
//! fits the input, the rest it returns is the input after that header,
//! errors display.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcpphase::wire::cisco_hdlc::{parse_cisco_hdlc, CISCO_HDLC_HEADER_LEN};
use tcpphase::wire::gre::{parse_erspan, parse_gre};
use tcpphase::wire::ieee80211::{parse_ieee80211, parse_llc, Ieee80211Frame, Llc, LLC_SNAP_LEN};
use tcpphase::wire::nflog::parse_nflog;
use tcpphase::wire::ppp::{parse_ppp, parse_pppoe, PPPOE_HEADER_LEN};
use tcpphase::wire::radiotap::parse_radiotap;
use tcpphase::wire::udp_tunnel::{
    parse_geneve, parse_udp, parse_vxlan, UDP_HEADER_LEN, VXLAN_HEADER_LEN,
};

/// The header length a parser consumed must be where its rest starts.
fn consumed(input: &[u8], rest: &[u8], header_len: usize) {
    assert!(header_len <= input.len(), "header longer than the input");
    assert_eq!(input.len() - rest.len(), header_len, "rest is not after the header");
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    match selector % 12 {
        0 => {
            if let Ok((rest, h)) = parse_ppp(input) {
                consumed(input, rest, h.header_len);
                assert!((1..=4).contains(&h.header_len));
            }
        }
        1 => {
            if let Ok((rest, _)) = parse_pppoe(input) {
                consumed(input, rest, PPPOE_HEADER_LEN);
            }
        }
        2 => {
            if let Ok((rest, _)) = parse_cisco_hdlc(input) {
                consumed(input, rest, CISCO_HDLC_HEADER_LEN);
            }
        }
        3 => {
            if let Ok((_, p)) = parse_nflog(input) {
                if let Some(at) = p.payload_offset {
                    assert!(at <= input.len() && at >= 8);
                    // The TLV length said so much; the capture may hold less.
                    let _ = input.get(at..at + p.payload_len);
                }
            }
        }
        4 => {
            if let Ok((rest, r)) = parse_radiotap(input) {
                consumed(input, rest, r.len);
            }
        }
        5 => {
            if let Ok((rest, f)) = parse_ieee80211(input) {
                match f {
                    Ieee80211Frame::Data { header_len } => {
                        consumed(input, rest, header_len);
                        assert!((24..=36).contains(&header_len));
                    }
                    _ => assert_eq!(rest.len(), input.len()),
                }
            }
        }
        6 => {
            if let Ok((rest, llc)) = parse_llc(input) {
                match llc {
                    Llc::Snap { .. } => consumed(input, rest, LLC_SNAP_LEN),
                    Llc::Other { .. } => assert_eq!(rest.len(), input.len()),
                }
            }
        }
        7 => {
            if let Ok((rest, g)) = parse_gre(input) {
                consumed(input, rest, g.header_len);
                assert!(g.header_len >= 4 && g.header_len <= 20 && g.header_len % 4 == 0);
                assert!(g.version <= 1);
            }
        }
        8 => {
            if let Ok((rest, e)) = parse_erspan(input) {
                consumed(input, rest, e.header_len);
                assert!(matches!(e.header_len, 8 | 12 | 20));
            }
        }
        9 => {
            if let Ok((rest, _)) = parse_udp(input) {
                consumed(input, rest, UDP_HEADER_LEN);
            }
        }
        10 => {
            if let Ok((rest, v)) = parse_vxlan(input) {
                consumed(input, rest, VXLAN_HEADER_LEN);
                assert!(v.vni < 1 << 24);
            }
        }
        _ => {
            if let Ok((rest, g)) = parse_geneve(input) {
                consumed(input, rest, g.header_len);
                assert!(g.header_len >= 8 && g.header_len <= 8 + 63 * 4);
            }
        }
    }
    // Errors of every parser display, and never panic doing so.
    let errors = [
        parse_ppp(input).err(),
        parse_pppoe(input).err(),
        parse_nflog(input).err(),
        parse_radiotap(input).err(),
        parse_gre(input).err(),
        parse_erspan(input).err(),
        parse_geneve(input).err(),
    ];
    for e in errors.into_iter().flatten() {
        assert!(!format!("{e:?}").is_empty());
    }
});

//! Encapsulations and tunnels one by one: where each header's errors point,
//! what frames without a packet decode to, and that every cut of a
//! tunnelled frame names the layer it was cut in or still gives the segment.

#[path = "common/encapsulate.rs"]
mod encapsulate;

use encapsulate::Wrap;
use tcpphase::wire::{decode_frame, decode_frame_linktype, Decoded, Layer, LinkType, WireError};

/// A SYN, raw IPv4 (10.0.0.1:40000 -> 10.0.0.2:80) with an MSS option.
const SYN: [u8; 44] = [
    0x45, 0, 0, 44, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, //
    0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0xff, 0xff, 0, 0, 0, 0, //
    2, 4, 0x05, 0xb4,
];

fn decode(wrap: Wrap, frame: &[u8]) -> Result<Decoded<'_>, WireError> {
    decode_frame_linktype(wrap.linktype(), frame)
}

#[test]
fn every_wrapping_reaches_the_syn() {
    for wrap in Wrap::ALL {
        let frame = wrap.frame(&SYN);
        let Ok(Decoded::Tcp(s)) = decode(wrap, &frame) else {
            panic!("{wrap:?}: {:?}", decode(wrap, &frame));
        };
        assert_eq!((s.tcp.src_port, s.tcp.dst_port), (40000, 80), "{wrap:?}");
        // The SYN (24 bytes of TCP) ends the frame (44 bytes need no NFLOG padding).
        assert_eq!(s.tcp_offset + 24, frame.len(), "{wrap:?}");
        let tunnels = match wrap {
            Wrap::Gre | Wrap::ErspanI | Wrap::ErspanII | Wrap::ErspanIII => 1,
            Wrap::Vxlan | Wrap::Geneve | Wrap::IpInIp | Wrap::IpInIpv6 => 1,
            Wrap::VxlanInGre => 2,
            _ => 0,
        };
        assert_eq!(s.link.tunnels, tunnels, "{wrap:?}");
    }
}

#[test]
fn every_cut_of_a_tunnelled_frame_is_an_error_or_the_segment() {
    for wrap in Wrap::ALL {
        let frame = wrap.frame(&SYN);
        let tcp_at = match decode(wrap, &frame) {
            Ok(Decoded::Tcp(s)) => s.tcp_offset,
            other => panic!("{wrap:?}: {other:?}"),
        };
        for cut in 0..frame.len() {
            match decode(wrap, &frame[..cut]) {
                Ok(Decoded::Tcp(s)) => {
                    assert!(cut >= tcp_at + 20, "{wrap:?} cut at {cut}: segment");
                    assert_eq!(s.options_cut, cut < tcp_at + 24, "{wrap:?} cut at {cut}");
                }
                Err(e) => {
                    assert!(cut < tcp_at + 20, "{wrap:?} cut at {cut}: {e}");
                    assert!(e.offset() <= cut, "{wrap:?} cut at {cut}: {e}");
                    assert!(!e.to_string().is_empty());
                }
                // An NFLOG record cut before its payload TLV has no packet.
                Ok(Decoded::NoPayload {
                    layer: Layer::Nflog,
                }) if wrap == Wrap::Nflog => {}
                Ok(other) => panic!("{wrap:?} cut at {cut}: {other:?}"),
            }
        }
    }
}

#[test]
fn header_errors_name_the_layer_and_its_offset() {
    // GRE version 2 at byte 34 (Ethernet 14 + IPv4 20).
    let mut frame = Wrap::Gre.frame(&SYN);
    frame[35] |= 2;
    let e = decode_frame(LinkType::Ethernet, &frame).unwrap_err();
    assert_eq!(
        e,
        WireError::BadHeaderField {
            layer: Layer::Gre,
            offset: 34,
            field: "version",
            value: 2
        }
    );
    assert_eq!(
        e.to_string(),
        "GRE header at byte 34 has impossible version 2"
    );
    // ERSPAN version 3 after GRE with a sequence number: byte 42.
    let mut frame = Wrap::ErspanII.frame(&SYN);
    frame[42] = 0x30;
    assert_eq!(
        decode_frame(LinkType::Ethernet, &frame)
            .unwrap_err()
            .layer(),
        Some(Layer::Erspan)
    );
    assert_eq!(
        decode_frame(LinkType::Ethernet, &frame)
            .unwrap_err()
            .offset(),
        42
    );
    // Geneve version 1 (Ethernet 14, IPv6 40, UDP 8: byte 62).
    let mut frame = Wrap::Geneve.frame(&SYN);
    frame[62] |= 0x40;
    let e = decode_frame(LinkType::Ethernet, &frame).unwrap_err();
    assert_eq!((e.layer(), e.offset()), (Some(Layer::Geneve), 62));
    // PPPoE with version/type 0x21 at byte 14.
    let mut frame = Wrap::PppoeEthernet.frame(&SYN);
    frame[14] = 0x21;
    let e = decode_frame(LinkType::Ethernet, &frame).unwrap_err();
    assert_eq!((e.layer(), e.offset()), (Some(Layer::Pppoe), 14));
    // A VXLAN header cut short: byte 42, 8 bytes needed.
    let frame = Wrap::Vxlan.frame(&SYN);
    assert_eq!(
        decode_frame(LinkType::Ethernet, &frame[..45]).unwrap_err(),
        WireError::Truncated {
            layer: Layer::Vxlan,
            offset: 42,
            needed: 8,
            got: 3
        }
    );
}

#[test]
fn tunnels_nested_too_deep_are_an_error_not_a_loop() {
    let mut packet = SYN.to_vec();
    for _ in 0..12 {
        packet = encapsulate::ipv4(4, &packet);
    }
    let e = decode_frame(LinkType::Raw, &packet).unwrap_err();
    assert!(matches!(e, WireError::TunnelTooDeep { .. }), "{e:?}");
    assert_eq!(e.offset(), 8 * 20);
    assert!(e.to_string().contains("nested too deep"));
    // Seven tunnels are fine.
    let mut packet = SYN.to_vec();
    for _ in 0..7 {
        packet = encapsulate::ipv4(4, &packet);
    }
    let Ok(Decoded::Tcp(s)) = decode_frame(LinkType::Raw, &packet) else {
        panic!("7 tunnels");
    };
    assert_eq!(s.link.tunnels, 7);
}

#[test]
fn wifi_frames_without_a_packet_say_so() {
    let data = Wrap::Radiotap.frame(&SYN);
    // Beacon (management), at byte 12 after radiotap.
    let mut beacon = data.clone();
    beacon[12] = 0x80;
    assert_eq!(
        decode_frame(LinkType::Radiotap, &beacon),
        Ok(Decoded::NoPayload {
            layer: Layer::Ieee80211
        })
    );
    // Protected data: encrypted payload.
    let mut protected = data.clone();
    protected[13] |= 0x40;
    assert_eq!(
        decode_frame(LinkType::Radiotap, &protected),
        Ok(Decoded::NoPayload {
            layer: Layer::Ieee80211
        })
    );
    // QoS null data.
    let mut null = data.clone();
    null[12] = 0xc8;
    assert!(matches!(
        decode_frame(LinkType::Radiotap, &null),
        Ok(Decoded::NoPayload { .. })
    ));
    // Without radiotap (LINKTYPE_IEEE802_11).
    assert!(matches!(
        decode_frame(LinkType::Ieee80211, &data[12..]),
        Ok(Decoded::Tcp(_))
    ));
}

#[test]
fn radiotap_data_pad_and_tsft_are_honoured() {
    let data = Wrap::Radiotap.frame(&SYN);
    // Radiotap with TSFT (8 bytes at offset 8) and Flags = data pad, then
    // the 26-byte QoS data header padded to 28.
    let mut frame = vec![0, 0, 17, 0, 0x03, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x20];
    frame.extend_from_slice(&data[12..12 + 26]);
    frame.extend_from_slice(&[0, 0]);
    frame.extend_from_slice(&data[12 + 26..]);
    let Ok(Decoded::Tcp(s)) = decode_frame(LinkType::Radiotap, &frame) else {
        panic!("{:?}", decode_frame(LinkType::Radiotap, &frame));
    };
    assert_eq!(s.tcp_offset, 17 + 28 + 8 + 20);
}

#[test]
fn nflog_in_big_endian_and_without_payload() {
    let le = Wrap::Nflog.frame(&SYN);
    // The same record with TLV lengths and types big endian.
    let mut be = le.clone();
    for at in [4, 12, 20] {
        be.swap(at, at + 1);
        be.swap(at + 2, at + 3);
    }
    assert!(matches!(
        decode_frame(LinkType::Nflog, &be),
        Ok(Decoded::Tcp(_))
    ));
    // Only the first two TLVs: no payload.
    assert_eq!(
        decode_frame(LinkType::Nflog, &le[..20]),
        Ok(Decoded::NoPayload {
            layer: Layer::Nflog
        })
    );
}

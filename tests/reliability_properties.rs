//! Properties of the statistics: invariance to which coder sits in which slot, and monotone
//! agreement in the tolerance.
use proptest::prelude::*;
use tapecoder::stats::agreement::agree;
use tapecoder::stats::alpha::{Metric, alpha};
use tapecoder::stats::icc::{Model, Unit, icc, mean_squares};

fn pairs() -> impl Strategy<Value = Vec<(u8, u8, bool)>> {
    prop::collection::vec((1u8..=5, 1u8..=5, any::<bool>()), 2..30)
}

proptest! {
    #[test]
    fn alpha_unchanged_when_slots_swap(data in pairs(), missing in prop::collection::vec(any::<bool>(), 30)) {
        let units: Vec<Vec<Option<f64>>> = data.iter().enumerate().map(|(i, &(a, b, _))| {
            let b = if missing[i] { None } else { Some(b as f64) };
            vec![Some(a as f64), b]
        }).collect();
        let swapped: Vec<Vec<Option<f64>>> = units.iter().zip(&data).map(|(u, &(_, _, s))| {
            if s { vec![u[1], u[0]] } else { u.clone() }
        }).collect();
        for m in [Metric::Nominal, Metric::Ordinal, Metric::Interval, Metric::Ratio] {
            match (alpha(&units, m), alpha(&swapped, m)) {
                (Ok(x), Ok(y)) => prop_assert!((x - y).abs() < 1e-9),
                (Err(x), Err(y)) => prop_assert_eq!(x, y),
                (x, y) => prop_assert!(false, "{:?} vs {:?}", x, y),
            }
        }
    }

    #[test]
    fn icc1_unchanged_when_slots_swap(data in pairs()) {
        let rows: Vec<Vec<f64>> = data.iter().map(|&(a, b, _)| vec![a as f64, b as f64]).collect();
        let swapped: Vec<Vec<f64>> = data.iter().map(|&(a, b, s)| {
            if s { vec![b as f64, a as f64] } else { vec![a as f64, b as f64] }
        }).collect();
        let x = mean_squares(&rows).and_then(|ms| icc(&ms, Model::OneWay, Unit::Single));
        let y = mean_squares(&swapped).and_then(|ms| icc(&ms, Model::OneWay, Unit::Single));
        match (x, y) {
            (Ok(x), Ok(y)) => {
                prop_assert!((x.value - y.value).abs() < 1e-9);
                match (x.ci95, y.ci95) {
                    (Ok(a), Ok(b)) => prop_assert!((a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9),
                    (Err(_), Err(_)) => {}
                    (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
                }
            }
            (Err(x), Err(y)) => prop_assert_eq!(x, y),
            (x, y) => prop_assert!(false, "{:?} vs {:?}", x, y),
        }
    }

    #[test]
    fn within_tolerance_is_monotone(data in prop::collection::vec(prop::collection::vec(prop::option::weighted(0.9, 0.0f64..10.0), 2..4), 1..30),
                                    t1 in 0.0f64..5.0, dt in 0.0f64..5.0) {
        let a = agree(&data, t1);
        let b = agree(&data, t1 + dt);
        prop_assert_eq!(a.n, b.n);
        prop_assert!(b.agreeing >= a.agreeing);
        if let (Ok(x), Ok(y)) = (a.percent, b.percent) {
            prop_assert!(y >= x);
        }
    }

    #[test]
    fn statistics_never_nan(data in prop::collection::vec(prop::collection::vec(prop::option::of(1u8..=5), 2..4), 0..12)) {
        let units: Vec<Vec<Option<f64>>> = data.iter().map(|u| u.iter().map(|v| v.map(f64::from)).collect()).collect();
        for m in [Metric::Nominal, Metric::Ordinal, Metric::Interval, Metric::Ratio] {
            if let Ok(x) = alpha(&units, m) { prop_assert!(x.is_finite()); }
        }
        let complete: Vec<Vec<f64>> = units.iter().filter_map(|u| u.iter().copied().collect::<Option<Vec<f64>>>()).filter(|r| r.len() == 2).collect();
        if let Ok(ms) = mean_squares(&complete) {
            for model in [Model::OneWay, Model::Absolute, Model::Consistency] {
                for unit in [Unit::Single, Unit::Average] {
                    if let Ok(i) = icc(&ms, model, unit) {
                        prop_assert!(i.value.is_finite());
                        if let Ok((lo, hi)) = i.ci95 { prop_assert!(lo.is_finite() && hi.is_finite() && lo <= hi + 1e-9); }
                    }
                }
            }
        }
    }
}

/// A crossed long-form CSV: the same two coders on every recording, `swap[i]` decides who is
/// listed (and so sits in the slot) first.
fn crossed_csv(data: &[(u8, u8, bool)]) -> String {
    let mut csv = String::from("recording,coder,domain,score\n");
    for (i, &(a, b, swap)) in data.iter().enumerate() {
        let (first, second) =
            if swap { (("ben", b), ("ann", a)) } else { (("ann", a), ("ben", b)) };
        csv.push_str(&format!(
            "R{i},{},d,{}\nR{i},{},d,{}\n",
            first.0, first.1, second.0, second.1
        ));
    }
    csv
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn swapping_coders_in_a_crossed_design_changes_no_coder_statistic(data in pairs()) {
        use tapecoder::reliability::input::from_csv;
        use tapecoder::reliability::{Options, build_with};
        let plain: Vec<(u8, u8, bool)> = data.iter().map(|&(a, b, _)| (a, b, false)).collect();
        let opt = Options { average_measures: true, resamples: 1000, ..Options::default() };
        let x = build_with(&from_csv(&crossed_csv(&plain), "x", (1, 5), 1.0).unwrap(), &opt);
        let y = build_with(&from_csv(&crossed_csv(&data), "y", (1, 5), 1.0).unwrap(), &opt);
        let (x, y) = (&x.measures[0], &y.measures[0]);
        prop_assert_eq!(&x.pairing, &y.pairing);
        prop_assert_eq!(&x.paired, &y.paired);
        let close = |a: &tapecoder::stats::Stat, b: &tapecoder::stats::Stat| match (a, b) {
            (Ok(a), Ok(b)) => (a - b).abs() < 1e-9,
            (Err(a), Err(b)) => a == b,
            _ => false,
        };
        prop_assert!(close(&x.kappa.unweighted, &y.kappa.unweighted));
        prop_assert!(close(&x.kappa.linear, &y.kappa.linear));
        prop_assert!(close(&x.kappa.quadratic, &y.kappa.quadratic));
        prop_assert_eq!(&x.bland_altman, &y.bland_altman);
        prop_assert_eq!(&x.gwet, &y.gwet);
        prop_assert!(close(&x.alpha_ordinal, &y.alpha_ordinal));
        prop_assert_eq!(&x.alpha_ordinal_boot, &y.alpha_ordinal_boot);
        for form in ["ICC(2,1)", "ICC(3,1)", "ICC(2,k)", "ICC(3,k)"] {
            let (a, b) = (&x.icc(form).unwrap().stat, &y.icc(form).unwrap().stat);
            match (a, b) {
                (Ok(a), Ok(b)) => prop_assert!((a.value - b.value).abs() < 1e-9),
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                _ => prop_assert!(false, "{}: {:?} vs {:?}", form, a, b),
            }
        }
    }
}

//! Inter-annotator agreement over decided clauses: each sector a binary decision (tagged or not)
//! by each user who decided the clause; Krippendorff's α (nominal, any number of annotators,
//! missing values allowed), Cohen's κ (two annotators) and the observed agreement, per sector and
//! overall, each with the number of clauses it rests on.
//!
//! The coefficients follow Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011),
//! through the coincidence matrix, and Cohen (1960); the unit tests check them against worked
//! examples computed by hand.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;

use serde::{Deserialize, Serialize};

use crate::decisions::Decision;
use crate::{Store, StoreError};

/// The coincidence matrix of nominal values: `o[(c, k)]` and the totals `n_c` and `n` of
/// pairable values (Krippendorff 2011, section C).
struct Coincidences<T> {
    o: HashMap<(T, T), f64>,
    n_c: HashMap<T, f64>,
    n: f64,
}

impl<T: Eq + Hash + Clone> Coincidences<T> {
    /// Each unit lists the values the coders gave it (missing ones left out); a unit with fewer
    /// than two values is unpairable and left out.
    fn new(units: &[Vec<T>]) -> Coincidences<T> {
        let mut o: HashMap<(T, T), f64> = HashMap::new();
        for unit in units.iter().filter(|u| u.len() >= 2) {
            let weight = 1.0 / (unit.len() - 1) as f64;
            for (i, a) in unit.iter().enumerate() {
                for (j, b) in unit.iter().enumerate() {
                    if i != j {
                        *o.entry((a.clone(), b.clone())).or_default() += weight;
                    }
                }
            }
        }
        let mut n_c: HashMap<T, f64> = HashMap::new();
        for ((c, _), v) in &o {
            *n_c.entry(c.clone()).or_default() += v;
        }
        let n = n_c.values().sum();
        Coincidences { o, n_c, n }
    }

    /// The observed agreement: matching pairs over all pairs, `Σ_c o_cc / n`.
    fn observed_agreement(&self) -> Option<f64> {
        (self.n > 0.0).then(|| {
            let same: f64 = self
                .o
                .iter()
                .filter(|((c, k), _)| c == k)
                .map(|(_, v)| v)
                .sum();
            same / self.n
        })
    }

    /// α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k; `None` when there is no
    /// variation to correct for chance (every value the same) or nothing pairable.
    fn alpha(&self) -> Option<f64> {
        let disagree: f64 = self
            .o
            .iter()
            .filter(|((c, k), _)| c != k)
            .map(|(_, v)| v)
            .sum();
        let mut expected = 0.0;
        for (c, nc) in &self.n_c {
            for (k, nk) in &self.n_c {
                if c != k {
                    expected += nc * nk;
                }
            }
        }
        (self.n > 1.0 && expected > 0.0).then(|| 1.0 - (self.n - 1.0) * disagree / expected)
    }
}

/// Krippendorff's α for nominal data: `units[u]` holds the values the coders gave unit `u`
/// (missing values left out). `None` when undefined.
pub fn krippendorff_alpha<T: Eq + Hash + Clone>(units: &[Vec<T>]) -> Option<f64> {
    Coincidences::new(units).alpha()
}

/// The observed agreement of [`krippendorff_alpha`]'s data: agreeing pairs of values within
/// units over all pairs (for two coders, the share of units they agree on).
pub fn observed_agreement<T: Eq + Hash + Clone>(units: &[Vec<T>]) -> Option<f64> {
    Coincidences::new(units).observed_agreement()
}

/// Cohen's κ of two coders: `pairs[u]` = (first coder's value, second's) on unit `u`.
/// κ = (p_o − p_e) / (1 − p_e); `None` when there is no unit or p_e = 1.
pub fn cohen_kappa<T: Eq + Hash + Clone>(pairs: &[(T, T)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as f64;
    let observed = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let mut first: HashMap<&T, f64> = HashMap::new();
    let mut second: HashMap<&T, f64> = HashMap::new();
    for (a, b) in pairs {
        *first.entry(a).or_default() += 1.0 / n;
        *second.entry(b).or_default() += 1.0 / n;
    }
    let expected: f64 = first
        .iter()
        .map(|(c, p)| p * second.get(c).copied().unwrap_or(0.0))
        .sum();
    (expected < 1.0).then(|| (observed - expected) / (1.0 - expected))
}

/// Agreement on one sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectorAgreement {
    /// The sector.
    pub sector: String,
    /// Its name.
    pub sector_name: Option<String>,
    /// Krippendorff's α.
    pub alpha: Option<f64>,
    /// Cohen's κ, when exactly two annotators decided the clauses.
    pub kappa: Option<f64>,
    /// Observed agreement.
    pub percent: Option<f64>,
    /// Clauses it rests on.
    pub n: usize,
    /// How many tags of the sector the clauses carry (one per annotator).
    pub positives: usize,
}

/// Agreement over all sectors: the means over the sectors where each is defined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverallAgreement {
    /// Mean α.
    pub alpha: Option<f64>,
    /// Mean κ.
    pub kappa: Option<f64>,
    /// Mean observed agreement.
    pub percent: Option<f64>,
    /// Clauses it rests on.
    pub n: usize,
    /// Sectors it rests on.
    pub sectors: usize,
}

/// Agreement of two annotators, over the clauses both decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairAgreement {
    /// One annotator.
    pub a: String,
    /// The other.
    pub b: String,
    /// Mean κ over the sectors where it is defined.
    pub kappa: Option<f64>,
    /// Mean observed agreement over the sectors.
    pub percent: Option<f64>,
    /// Clauses both decided.
    pub n: usize,
}

/// The agreement of a set of decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// The document, when one was asked for.
    pub doc: Option<String>,
    /// The users who decided the clauses counted, by name.
    pub annotators: Vec<String>,
    /// Clauses decided by at least two users: the units.
    pub clauses: usize,
    /// Over all sectors.
    pub overall: OverallAgreement,
    /// Per sector, in id order.
    pub sectors: Vec<SectorAgreement>,
    /// Per pair of annotators.
    pub pairs: Vec<PairAgreement>,
}

/// The units: clause → (user → their sectors), for clauses decided by at least two users.
type Units = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn units(decisions: &[Decision]) -> Units {
    let mut all: Units = BTreeMap::new();
    for d in decisions {
        all.entry(d.clause_id.clone())
            .or_default()
            .insert(d.user.clone(), d.sectors.iter().cloned().collect());
    }
    all.retain(|_, by_user| by_user.len() >= 2);
    all
}

fn mean(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let defined: Vec<f64> = values.flatten().collect();
    (!defined.is_empty()).then(|| defined.iter().sum::<f64>() / defined.len() as f64)
}

/// Computes the agreement of `decisions` (each with the user's sectors on the clause).
pub fn agreement(
    doc: Option<&str>,
    decisions: &[Decision],
    names: &HashMap<String, String>,
) -> Agreement {
    let units = units(decisions);
    let annotators: BTreeSet<&String> = units.values().flat_map(|u| u.keys()).collect();
    let sectors: BTreeSet<&String> = units.values().flat_map(|u| u.values().flatten()).collect();
    let two = annotators.len() == 2;
    let per_sector: Vec<SectorAgreement> = sectors
        .iter()
        .map(|&sector| {
            let values: Vec<Vec<bool>> = units
                .values()
                .map(|u| u.values().map(|s| s.contains(sector)).collect())
                .collect();
            let pairs: Vec<(bool, bool)> = values.iter().map(|v| (v[0], v[1])).collect();
            SectorAgreement {
                sector: sector.clone(),
                sector_name: names.get(sector).cloned(),
                alpha: krippendorff_alpha(&values),
                kappa: if two { cohen_kappa(&pairs) } else { None },
                percent: observed_agreement(&values),
                n: values.len(),
                positives: values.iter().flatten().filter(|v| **v).count(),
            }
        })
        .collect();
    let annotators: Vec<String> = annotators.into_iter().cloned().collect();
    let pairs = pair_agreements(&units, &annotators);
    Agreement {
        doc: doc.map(str::to_string),
        clauses: units.len(),
        overall: OverallAgreement {
            alpha: mean(per_sector.iter().map(|s| s.alpha)),
            kappa: mean(per_sector.iter().map(|s| s.kappa)),
            percent: mean(per_sector.iter().map(|s| s.percent)),
            n: units.len(),
            sectors: per_sector.len(),
        },
        sectors: per_sector,
        annotators,
        pairs,
    }
}

/// κ and observed agreement of each pair of annotators over the clauses both decided, as means
/// over the sectors either tagged there.
fn pair_agreements(units: &Units, annotators: &[String]) -> Vec<PairAgreement> {
    let mut out = Vec::new();
    for (i, a) in annotators.iter().enumerate() {
        for b in &annotators[i + 1..] {
            let both: Vec<(&BTreeSet<String>, &BTreeSet<String>)> = units
                .values()
                .filter_map(|u| Some((u.get(a)?, u.get(b)?)))
                .collect();
            let sectors: BTreeSet<&String> = both.iter().flat_map(|(x, y)| x.union(y)).collect();
            let per: Vec<(Option<f64>, Option<f64>)> = sectors
                .iter()
                .map(|&s| {
                    let pairs: Vec<(bool, bool)> = both
                        .iter()
                        .map(|(x, y)| (x.contains(s), y.contains(s)))
                        .collect();
                    let agree = pairs.iter().filter(|(x, y)| x == y).count() as f64;
                    (cohen_kappa(&pairs), Some(agree / pairs.len() as f64))
                })
                .collect();
            out.push(PairAgreement {
                a: a.clone(),
                b: b.clone(),
                kappa: mean(per.iter().map(|p| p.0)),
                percent: mean(per.iter().map(|p| p.1)),
                n: both.len(),
            });
        }
    }
    out
}

impl Store {
    /// The agreement over the decisions of a document (of every document: `None`).
    pub fn agreement(&self, doc: Option<&str>) -> Result<Agreement, StoreError> {
        let decisions = self.decisions(doc, None)?;
        let names: HashMap<String, String> = self
            .sectors()?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        Ok(agreement(doc, &decisions, &names))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 5e-4)
    }

    /// Krippendorff (2011), section A: two observers, binary data, ten units, no missing data.
    /// By hand: n = 20, n_0 = 14, n_1 = 6, o_01 = 4; α = 1 − 19 · 4 / (14 · 6) = 0.095.
    #[test]
    fn alpha_of_krippendorffs_binary_example() {
        let mary = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        let dave = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
        let units: Vec<Vec<i32>> = mary.iter().zip(dave).map(|(m, d)| vec![*m, d]).collect();
        assert!(
            close(krippendorff_alpha(&units), 0.095),
            "{:?}",
            krippendorff_alpha(&units)
        );
        // Six of ten units agree.
        assert!(close(observed_agreement(&units), 0.6));
    }

    /// Krippendorff (2011), section C: four observers, nominal values 1–5, twelve units, missing
    /// data; the paper's result is α = 0.743. The last unit has one value and is unpairable.
    #[test]
    fn alpha_of_krippendorffs_example_with_missing_data() {
        let observers: [[Option<i32>; 12]; 4] = [
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                None,
                None,
                None,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                None,
                Some(3),
            ],
            [
                None,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                None,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                None,
            ],
        ];
        let units: Vec<Vec<i32>> = (0..12)
            .map(|u| observers.iter().filter_map(|o| o[u]).collect())
            .collect();
        let alpha = krippendorff_alpha(&units);
        assert!(close(alpha, 0.743), "{alpha:?}");
    }

    /// Cohen's κ of the two-reader example of the Wikipedia article "Cohen's kappa" (50
    /// applications: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no). By hand: p_o = 35/50 = 0.7,
    /// p_e = 0.5 · 0.6 + 0.5 · 0.4 = 0.5, κ = 0.2 / 0.5 = 0.4.
    #[test]
    fn kappa_of_a_textbook_example() {
        let mut pairs = Vec::new();
        pairs.extend(std::iter::repeat_n((true, true), 20));
        pairs.extend(std::iter::repeat_n((true, false), 5));
        pairs.extend(std::iter::repeat_n((false, true), 10));
        pairs.extend(std::iter::repeat_n((false, false), 15));
        assert!(close(cohen_kappa(&pairs), 0.4), "{:?}", cohen_kappa(&pairs));
        // Krippendorff's binary example by κ: p_o = 0.6, p_e = 0.2 · 0.4 + 0.8 · 0.6 = 0.56,
        // κ = 0.04 / 0.44 = 0.0909.
        let mary = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        let dave = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
        let pairs: Vec<(i32, i32)> = mary.iter().copied().zip(dave).collect();
        assert!(close(cohen_kappa(&pairs), 0.0909));
    }

    #[test]
    fn undefined_coefficients_are_none() {
        // Every value the same: nothing to correct for chance.
        assert_eq!(krippendorff_alpha(&[vec![1, 1], vec![1, 1]]), None);
        assert_eq!(cohen_kappa(&[(1, 1), (1, 1)]), None);
        assert_eq!(cohen_kappa::<i32>(&[]), None);
        // Nothing pairable.
        assert_eq!(krippendorff_alpha(&[vec![1], vec![2]]), None);
        // Perfect agreement with variation is 1.
        assert!(close(krippendorff_alpha(&[vec![1, 1], vec![0, 0]]), 1.0));
        assert!(close(cohen_kappa(&[(1, 1), (0, 0)]), 1.0));
    }

    fn decision(clause: &str, user: &str, sectors: &[&str]) -> Decision {
        Decision {
            clause_id: clause.into(),
            doc_id: "d".into(),
            user: user.into(),
            at: String::new(),
            sectors: sectors.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Multi-label decisions become one binary variable per sector: here the values of sector
    /// `a` are Krippendorff's binary example, and sector `b` agrees wherever it is used.
    #[test]
    fn decisions_become_binary_variables_per_sector() {
        let mary = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        let dave = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
        let mut ds = Vec::new();
        for u in 0..10 {
            let clause = format!("d/{u}");
            let b: &[&str] = if u < 2 { &["b"] } else { &[] };
            let with = |v: i32| -> Vec<&str> {
                let mut s: Vec<&str> = b.to_vec();
                if v == 1 {
                    s.push("a");
                }
                s
            };
            ds.push(decision(&clause, "mary", &with(mary[u])));
            ds.push(decision(&clause, "dave", &with(dave[u])));
        }
        // A clause only one user decided is not a unit.
        ds.push(decision("d/x", "mary", &["a"]));
        let a = agreement(Some("d"), &ds, &HashMap::new());
        assert_eq!(a.clauses, 10);
        assert_eq!(a.annotators, ["dave", "mary"]);
        let sa = &a.sectors[0];
        assert_eq!((sa.sector.as_str(), sa.n, sa.positives), ("a", 10, 6));
        assert!(close(sa.alpha, 0.095));
        assert!(close(sa.kappa, 0.0909));
        assert!(close(sa.percent, 0.6));
        let sb = &a.sectors[1];
        assert!(close(sb.alpha, 1.0) && close(sb.kappa, 1.0));
        assert!(close(a.overall.alpha, (0.095 + 1.0) / 2.0));
        assert_eq!(a.overall.sectors, 2);
        assert_eq!(a.pairs.len(), 1);
        assert_eq!(a.pairs[0].n, 10);
        assert!(close(a.pairs[0].kappa, (0.0909 + 1.0) / 2.0));
    }

    #[test]
    fn three_annotators_have_alpha_but_no_single_kappa() {
        let ds = vec![
            decision("d/1", "a", &["x"]),
            decision("d/1", "b", &["x"]),
            decision("d/1", "c", &[]),
            decision("d/2", "a", &[]),
            decision("d/2", "b", &[]),
        ];
        let a = agreement(None, &ds, &HashMap::new());
        assert_eq!(a.clauses, 2);
        assert_eq!(a.sectors[0].kappa, None);
        assert!(a.sectors[0].alpha.is_some());
        assert_eq!(a.pairs.len(), 3);
        // a and b agree on both clauses.
        assert!(close(a.pairs[0].percent, 1.0));
        assert_eq!(a.pairs[1].n, 1);
    }
}

//! The scaled-corpus generator of the search benchmark: thousands of resolutions in the shape of
//! the 14 real ones of `corpus/`, built by recombining them with a seeded RNG, so that every run
//! with the same parameters writes the same bytes.
//!
//! Each generated document has a header in one of the real shapes (a Party committee's flattened
//! two-column header, or a state body's `Số: …` header) with a new number, date and province;
//! a body made of a real document's sections, reordered, with about half of its paragraphs
//! replaced by paragraphs of other documents and sections of other documents appended until a
//! drawn size is reached; and a `Nơi nhận` list and a signature. Some documents are decomposed to
//! NFD, some hard-wrapped at 72 columns (half of those without blank lines), some have CRLF line
//! endings, as the real ones arrive.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use unicode_normalization::UnicodeNormalization;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Number of documents. By default 2,000 (about 140 MB).
    pub docs: usize,
    /// RNG seed. By default 2020 (the seed resolution's year).
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            docs: 2_000,
            seed: 2020,
        }
    }
}

/// What was generated (or found already generated).
#[derive(Debug, Clone)]
pub struct Generated {
    /// The generated files, in order.
    pub files: Vec<PathBuf>,
    /// Their total size in bytes.
    pub bytes: u64,
    /// The document numbers written in their headers, as a user would type them.
    pub numbers: Vec<String>,
}

/// Version of the generator's output; bumping it regenerates corpora left by an older one.
const VERSION: u32 = 2;

/// A real document cut into parts.
struct Source {
    /// Body sections: each a list of lines (a heading line first, except for the preamble).
    sections: Vec<Vec<String>>,
}

const PROVINCES: [&str; 34] = [
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
    "Tuyên Quang",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Hải Phòng",
    "Ninh Bình",
    "Quảng Trị",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Thành phố Hồ Chí Minh",
    "Đồng Nai",
    "Tây Ninh",
    "Cần Thơ",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
];

const TOPICS: [&str; 16] = [
    "phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
    "xây dựng nông thôn mới nâng cao, nông thôn mới kiểu mẫu",
    "đẩy mạnh cải cách hành chính, cải thiện môi trường đầu tư, kinh doanh",
    "phát triển nguồn nhân lực chất lượng cao",
    "tăng cường công tác xây dựng Đảng và hệ thống chính trị",
    "phát triển kinh tế tư nhân",
    "sắp xếp đơn vị hành chính cấp xã",
    "bảo đảm an sinh xã hội và giảm nghèo bền vững",
    "phát triển hạ tầng giao thông kết nối",
    "quản lý, sử dụng hiệu quả đất đai, tài nguyên và bảo vệ môi trường",
    "phát triển văn hóa, con người",
    "chăm sóc sức khỏe Nhân dân và y tế cơ sở",
    "kết nối, chia sẻ dữ liệu giữa các cơ quan",
    "phát triển du lịch và kinh tế biển",
    "nâng cao hiệu quả công tác dân vận",
    "phòng, chống tham nhũng, lãng phí, tiêu cực",
];

const NAMES: [&str; 8] = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Hồng Sơn",
    "Phạm Minh Đức",
    "Hoàng Thị Thu Hà",
    "Vũ Đức Thắng",
    "Đặng Quốc Khánh",
    "Bùi Thị Hương",
];

/// Reuses the corpus in `out` if a previous run left one with the same parameters, else writes
/// it there from the real documents of `corpus`: the documents in `out/docs/`, and `out/MANIFEST`
/// (the parameters, then the document numbers, one a line).
pub fn generate_or_reuse(corpus: &Path, out: &Path, cfg: &Config) -> io::Result<Generated> {
    let manifest = out.join("MANIFEST");
    let want = format!(
        "vankien-bench-corpus v{VERSION} docs={} seed={}\n",
        cfg.docs, cfg.seed
    );
    if fs::read_to_string(&manifest).is_ok_and(|m| m.starts_with(&want)) {
        let mut files: Vec<PathBuf> = fs::read_dir(out.join("docs"))?
            .map(|e| e.map(|e| e.path()))
            .collect::<io::Result<_>>()?;
        files.retain(|p| p.extension().is_some_and(|x| x == "txt"));
        files.sort();
        let bytes = files
            .iter()
            .map(|f| fs::metadata(f).map(|m| m.len()))
            .sum::<io::Result<u64>>()?;
        let numbers = fs::read_to_string(&manifest)?
            .lines()
            .skip(1)
            .map(str::to_string)
            .collect();
        return Ok(Generated {
            files,
            bytes,
            numbers,
        });
    }
    if out.exists() {
        fs::remove_dir_all(out)?;
    }
    let docs_dir = out.join("docs");
    fs::create_dir_all(&docs_dir)?;
    let sources = read_sources(corpus)?;
    let pool: Vec<&str> = sources
        .iter()
        .flat_map(|s| s.sections.iter().flatten())
        .map(String::as_str)
        .filter(|l| is_paragraph(l))
        .collect();
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let mut files = Vec::with_capacity(cfg.docs);
    let mut numbers = Vec::with_capacity(cfg.docs);
    let mut bytes = 0;
    for i in 0..cfg.docs {
        let (text, number) = document(i, &sources, &pool, &mut rng);
        let path = docs_dir.join(format!("{:05}.txt", i + 1));
        fs::write(&path, &text)?;
        bytes += text.len() as u64;
        files.push(path);
        numbers.push(number);
    }
    // The manifest is written last: a run interrupted while generating starts over.
    fs::write(&manifest, format!("{want}{}\n", numbers.join("\n")))?;
    Ok(Generated {
        files,
        bytes,
        numbers,
    })
}

/// Reads the real documents and cuts each into a header (dropped) and body sections.
fn read_sources(corpus: &Path) -> io::Result<Vec<Source>> {
    let mut paths: Vec<PathBuf> = fs::read_dir(corpus)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    paths.retain(|p| p.extension().is_some_and(|x| x == "txt"));
    paths.sort();
    let mut sources = Vec::new();
    for p in paths {
        let raw = fs::read_to_string(&p)?;
        let lines: Vec<String> = raw
            .trim_start_matches('\u{feff}')
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect();
        // The header ends where the legal basis, the enacting formula or the first paragraph starts.
        let body_start = lines
            .iter()
            .position(|l| {
                let t = l.trim_start_matches(['-', ' ']);
                t.starts_with("Căn cứ") || t.starts_with("QUYẾT NGHỊ") || l.chars().count() >= 120
            })
            .unwrap_or(0)
            .min(40);
        // The closing parts (recipients, signature) are written anew for each document.
        let body_end = lines
            .iter()
            .rposition(|l| l.trim_start().starts_with("Nơi nhận"))
            .unwrap_or(lines.len());
        let mut sections: Vec<Vec<String>> = vec![Vec::new()];
        for line in &lines[body_start..body_end.max(body_start)] {
            if is_top_heading(line) && !sections.last().is_some_and(Vec::is_empty) {
                sections.push(Vec::new());
            }
            sections.last_mut().expect("one section").push(line.clone());
        }
        sections.retain(|s| s.iter().any(|l| !l.trim().is_empty()));
        sources.push(Source { sections });
    }
    Ok(sources)
}

/// Whether a line opens a top-level section: `I.`/`II-`, `A-`/`B.`, `Chương …`, `Điều N.`.
fn is_top_heading(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("Chương ") || t.starts_with("Điều ") {
        return true;
    }
    let label: String = t.chars().take_while(|c| c.is_ascii_uppercase()).collect();
    let rest = &t[label.len()..];
    let roman = !label.is_empty() && label.chars().all(|c| "IVXL".contains(c));
    let letter = label.len() == 1;
    (roman || letter) && (rest.starts_with(". ") || rest.starts_with("- "))
}

/// Whether a line is a whole body paragraph that can be swapped for another one. Lines of
/// hard-wrapped sources (at most about 150 characters) are fragments and stay where they are.
fn is_paragraph(line: &str) -> bool {
    line.chars().count() >= 160 && !is_top_heading(line)
}

/// Generates document `i`: its text and its number as written.
fn document(i: usize, sources: &[Source], pool: &[&str], rng: &mut StdRng) -> (String, String) {
    let province = *PROVINCES.choose(rng).expect("provinces");
    let topic = *TOPICS.choose(rng).expect("topics");
    let (year, month, day) = (
        rng.random_range(2015..=2026),
        rng.random_range(1..=12),
        rng.random_range(1..=28),
    );
    let party = rng.random_bool(0.5);
    let n = i + 1;
    let number = if party {
        format!("{n}-NQ/TU")
    } else {
        format!("{n}/{year}/NQ-HĐND")
    };
    let mut out = String::with_capacity(64 * 1024);
    let upper = province.to_uppercase();
    if party {
        let _ = write!(
            out,
            "ĐẢNG BỘ TỈNH {upper}\n\n*\nSố {number}\n\tĐẢNG CỘNG SẢN VIỆT NAM\n\
             {province}, ngày {day} tháng {month} năm {year}\n\n\nNGHỊ QUYẾT\n\n\
             của Ban Chấp hành Đảng bộ tỉnh về {topic}\n-----\n"
        );
    } else {
        let _ = write!(
            out,
            "HỘI ĐỒNG NHÂN DÂN\nTỈNH {upper}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\
             Độc lập - Tự do - Hạnh phúc\nSố: {number}\n{province}, ngày {day:02} tháng {month:02} năm {year}\n\n\
             NGHỊ QUYẾT\n\n{}\n\nHỘI ĐỒNG NHÂN DÂN TỈNH {upper}\n\n",
            format!("VỀ {topic}").to_uppercase()
        );
    }

    // The body: a real document's sections, some reordered, about half the paragraphs swapped,
    // sections of other documents appended up to a drawn size.
    let target = rng.random_range(20_000..90_000);
    let skeleton = sources.choose(rng).expect("sources");
    let mut sections: Vec<&Vec<String>> = skeleton.sections.iter().collect();
    if sections.len() > 2 && rng.random_bool(0.3) {
        sections[1..].shuffle(rng);
    }
    let mut k = 0;
    while out.len() < target || k < sections.len() {
        let section = if k < sections.len() {
            sections[k]
        } else {
            let other = sources.choose(rng).expect("sources");
            other.sections.choose(rng).expect("sections")
        };
        k += 1;
        for line in section {
            if is_paragraph(line) && rng.random_bool(0.5) {
                out.push_str(pool.choose(rng).expect("pool"));
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        if k > 400 {
            break;
        }
    }
    let _ = write!(
        out,
        "\nNơi nhận:\n- Ban Thường vụ Tỉnh ủy,\n- Các sở, ban, ngành tỉnh {province},\n- Lưu Văn phòng.\n\
         \nT/M TỈNH ỦY\nBÍ THƯ\n\n{}\n",
        NAMES.choose(rng).expect("names")
    );

    // As documents really arrive: some NFD, some hard-wrapped, some CRLF.
    let mut text = out;
    if rng.random_bool(0.15) {
        text = wrap(&text, 72, rng.random_bool(0.5));
    }
    if rng.random_bool(0.1) {
        text = text.nfd().collect();
    }
    if rng.random_bool(0.05) {
        text = text.replace('\n', "\r\n");
    }
    (text, number)
}

/// Hard-wraps every line at `width` characters, as PDF text and pandoc output are; with
/// `drop_blank`, the blank lines between paragraphs go too.
fn wrap(text: &str, width: usize, drop_blank: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 60);
    for line in text.lines() {
        if line.trim().is_empty() {
            if !drop_blank {
                out.push('\n');
            }
            continue;
        }
        let mut col = 0;
        for word in line.split(' ') {
            let w = word.chars().count();
            if col > 0 && col + 1 + w > width {
                out.push('\n');
                col = 0;
            } else if col > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(word);
            col += w;
        }
        out.push('\n');
    }
    out
}

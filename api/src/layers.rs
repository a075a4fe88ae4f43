//! The direction of the API's layers, as ARCHITECTURE.md's table writes it, checked against
//! every `crate::…` path in the source: a module naming one its row does not allow fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Test support: any module's tests may use it, and it is compiled only for tests.
const TEST_ONLY: &str = "testing";

type Allowed = BTreeMap<String, BTreeSet<String>>;

/// The rows of the table under `## Layers in `api/``: `| `a`, `b` | `c`, `d` |`.
fn table(architecture: &str) -> Allowed {
    let ticked = |cell: &str| -> BTreeSet<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    architecture
        .lines()
        .skip_while(|line| !line.starts_with("## Layers in `api/`"))
        .skip(1)
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .filter(|line| !line.starts_with("| ---") && !line.starts_with("| module"))
        .flat_map(|line| {
            let cells: Vec<&str> = line.split('|').collect();
            let uses = ticked(cells.get(2).copied().unwrap_or(""));
            ticked(cells.get(1).copied().unwrap_or(""))
                .into_iter()
                .map(move |module| (module, uses.clone()))
        })
        .collect()
}

/// The crate-root names `source` refers to as `crate::name` or `crate::{a, b::c}`, outside
/// comments.
fn references(source: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |text: &str| -> String {
        text.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            names.insert(ident(rest));
            continue;
        };
        // The group's top-level items: split at commas outside nested braces.
        let (mut depth, mut item_start) = (0, 0);
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    names.insert(ident(&group[item_start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    names.insert(ident(&group[item_start..i]));
                    item_start = i + 1;
                }
                _ => {}
            }
        }
    }
    names.remove("");
    names
}

/// Each `(module, file, name)` where `module`'s file names a module its row does not allow.
fn back_edges(allowed: &Allowed, files: &[(String, PathBuf, String)]) -> Vec<String> {
    let mut found = vec![];
    for (module, path, source) in files {
        let may = allowed.get(module);
        for name in references(source) {
            let is_module = allowed.contains_key(&name);
            let fine = name == *module
                || name == TEST_ONLY
                || !is_module
                || may.is_some_and(|may| may.contains(&name));
            if !fine {
                found.push(format!("{module} ({}) uses {name}", path.display()));
            }
        }
    }
    found
}

fn sources(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .expect("readable source dir")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

/// The top-level module a file under `src` belongs to (`lib.rs` is the crate root).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let first = file.strip_prefix(src).ok()?.components().next()?;
    let name = first.as_os_str().to_str()?;
    (name != "lib.rs").then(|| name.trim_end_matches(".rs").to_string())
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn no_module_of_the_api_uses_one_above_it() {
    let architecture =
        std::fs::read_to_string(root().join("../ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let allowed = table(&architecture);
    let src = root().join("src");
    let mut paths = vec![];
    sources(&src, &mut paths);
    let files: Vec<(String, PathBuf, String)> = paths
        .into_iter()
        .filter_map(|path| {
            let module = module_of(&src, &path)?;
            // This checker's own test data is full of `crate::` paths.
            if module == "layers" {
                return None;
            }
            let source = std::fs::read_to_string(&path).ok()?;
            Some((module, path, source))
        })
        .collect();
    let modules: BTreeSet<&String> = files.iter().map(|(module, ..)| module).collect();
    let missing: Vec<_> = modules
        .iter()
        .filter(|module| !allowed.contains_key(**module))
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a row in ARCHITECTURE.md's layer table: {missing:?}"
    );
    assert_eq!(back_edges(&allowed, &files), Vec::<String>::new());
}

#[test]
fn the_layer_table_points_one_way() {
    let architecture =
        std::fs::read_to_string(root().join("../ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let allowed = table(&architecture);
    assert!(allowed.len() >= 10, "the table was not found: {allowed:?}");
    // Peel off modules whose allowed uses are all peeled; whatever remains is a cycle.
    let mut placed: BTreeSet<&String> = BTreeSet::new();
    while placed.len() < allowed.len() {
        let next: Vec<&String> = allowed
            .iter()
            .filter(|(module, uses)| {
                !placed.contains(module) && uses.iter().all(|used| placed.contains(used))
            })
            .map(|(module, _)| module)
            .collect();
        assert!(
            !next.is_empty(),
            "a cycle among {:?}",
            allowed
                .keys()
                .filter(|module| !placed.contains(module))
                .collect::<Vec<_>>()
        );
        placed.extend(next);
    }
}

#[test]
fn a_back_edge_is_found_and_comments_are_not_read() {
    let allowed = table(
        "## Layers in `api/`\n\n| module | may use |\n| --- | --- |\n| `db` | — |\n| `store` | `db` |\n| `app` | `store`, `db` |\n",
    );
    let file = |module: &str, source: &str| {
        (
            module.to_string(),
            PathBuf::from("x.rs"),
            source.to_string(),
        )
    };
    let files = [
        file("store", "use crate::db::Database;\n// see crate::app\n"),
        file(
            "db",
            "use crate::store::users;\nfn f() { crate::testing::x(); }\n",
        ),
        file(
            "store",
            "use crate::{\n    db::{Database, stmt},\n    app::router,\n};\n",
        ),
        file(
            "app",
            "use crate::{store, db};\nfn g() { crate::build_version(); }\n",
        ),
    ];
    assert_eq!(
        back_edges(&allowed, &files),
        vec![
            "db (x.rs) uses store".to_string(),
            "store (x.rs) uses app".to_string()
        ]
    );
}

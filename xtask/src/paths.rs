//! Where things live: the checkout, its git-ignored `.local/` state, and the per-user tool cache.

use std::path::{Path, PathBuf};

#[derive(Clone)]
pub struct Paths {
    pub root: PathBuf,
}

impl Paths {
    pub fn discover() -> Self {
        // xtask lives one level below the workspace root.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask has a parent")
            .to_path_buf();
        Self { root }
    }

    /// Git-ignored state of this checkout: the venv, the stacks' databases and logs.
    pub fn local(&self) -> PathBuf {
        self.root.join(".local")
    }

    pub fn migrations(&self) -> PathBuf {
        self.root.join("migrations")
    }

    pub fn node_bin(&self, name: &str) -> PathBuf {
        self.root.join("node_modules").join(".bin").join(name)
    }

    /// The SPA build output (trunk's dist).
    pub fn spa_dist(&self) -> PathBuf {
        self.root.join("target").join("spa")
    }

    /// The API docs page, assembled by `xtask build` (see `build::api_docs`).
    pub fn api_docs_dist(&self) -> PathBuf {
        self.root.join("target").join("api-docs")
    }

    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }

    /// Compiled tools (`cargo install` results) shared by every checkout of this user, keyed by
    /// version, so a fresh clone does not recompile them: `$PTP_TOOLS_DIR`, else
    /// `$XDG_CACHE_HOME/pingtopass/tools`, else `~/.cache/pingtopass/tools`.
    pub fn tools_cache(&self) -> PathBuf {
        if let Some(dir) = std::env::var_os("PTP_TOOLS_DIR") {
            return PathBuf::from(dir);
        }
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
            .unwrap_or_else(|| self.local().join("cache"));
        cache.join("pingtopass").join("tools")
    }
}

//! The stand-ins for the outside services a stack's Worker calls — the usage APIs, OpenRouter
//! (fakellm), LangSmith, X and Stripe — each started as a step of the stack, and their settings
//! as the Worker's `runtime.vars` lines. Held by the stack, so they serve while it runs.

use std::path::Path;

use anyhow::Result;

use crate::bootstrap::Tools;
use crate::fakellm;
use crate::langsmith_standin::LangSmithStandIn;
use crate::steps::Steps;
use crate::stripe_standin::StripeStandIn;
use crate::usage_standin::UsageStandIn;
use crate::x_standin::XStandIn;

pub struct StandIns {
    /// What the daily cost job reads its usage from.
    pub usage: UsageStandIn,
    /// OpenRouter's stand-in, and LangSmith's, which keeps the runs traced to it.
    pub model: fakellm::Model,
    pub langsmith: LangSmithStandIn,
    /// X's recent search, for the hourly trends.
    x: XStandIn,
    /// Stripe's API, Checkout and Billing Portal; its webhook events go to the Worker.
    pub stripe: StripeStandIn,
}

impl StandIns {
    /// `worker_url` is where the Worker will listen (Stripe's events go to it); `dir` holds the
    /// logs of the ones that are processes.
    pub fn start(steps: &Steps, tools: &Tools, dir: &Path, worker_url: &str) -> Result<Self> {
        let usage = steps.run("usage stand-in (Cloudflare GraphQL, Turso API)", || {
            let usage = UsageStandIn::start()?;
            let url = usage.url.clone();
            Ok((usage, url))
        })?;
        let model = steps.run("OpenRouter stand-in (fakellm)", || {
            let model = fakellm::start(tools, &dir.join("fakellm.log"))?;
            let url = model.base_url.clone();
            Ok((model, url))
        })?;
        let langsmith = steps.run("LangSmith stand-in", || {
            let langsmith = LangSmithStandIn::start()?;
            let url = langsmith.url.clone();
            Ok((langsmith, url))
        })?;
        let x = steps.run("X stand-in (recent search)", || {
            let x = XStandIn::start(&tools.paths.root.join("xtask/x-fixtures.json"))?;
            let url = x.url.clone();
            Ok((x, url))
        })?;
        let stripe = steps.run("Stripe stand-in (API, checkout, portal)", || {
            let stripe = StripeStandIn::start(&format!("{worker_url}/api/v1/stripe/webhook"))?;
            let url = stripe.url.clone();
            Ok((stripe, url))
        })?;
        Ok(Self {
            usage,
            model,
            langsmith,
            x,
            stripe,
        })
    }

    /// The Worker's settings for all of them (`runtime.vars` lines).
    pub fn settings(&self) -> String {
        format!(
            "{}OPENROUTER_BASE_URL={}\n{}{}{}",
            self.usage.settings(),
            self.model.base_url,
            self.langsmith.settings(),
            self.x.settings(),
            self.stripe.settings()
        )
    }
}

//! The SPA's components. The binary (`main.rs`) only mounts [`App`].

mod api;
mod billing;
mod components;
mod dom;
mod health;
mod pages;
mod remote;
mod rendered;
mod session;

use yew::prelude::*;
use yew_router::prelude::*;

/// Every client-side route. The Worker answers any extension-less path with `index.html`, so
/// each of these can be deep-linked.
#[derive(Debug, Clone, PartialEq, Eq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/exams")]
    Exams,
    #[at("/exams/:code")]
    Exam { code: String },
    #[at("/sessions/:id")]
    Session { id: String },
    #[at("/sessions/:id/review")]
    Review { id: String },
    #[at("/progress")]
    Progress,
    #[at("/account")]
    Account,
    #[at("/pricing")]
    Pricing,
    #[at("/admin")]
    Admin,
    #[at("/admin/questions")]
    AdminQuestions,
    #[at("/admin/questions/new")]
    AdminNewQuestion,
    #[at("/admin/questions/:id")]
    AdminQuestion { id: String },
    #[at("/admin/reports")]
    AdminReports,
    #[at("/admin/reports/:id")]
    AdminReport { id: String },
    #[at("/admin/audit")]
    AdminAudit,
    #[at("/admin/stats")]
    AdminStats,
    #[at("/admin/bank")]
    AdminBank,
    #[at("/admin/drafts")]
    AdminDrafts,
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <pages::Home /> },
        Route::Exams => html! { <pages::Exams /> },
        Route::Exam { code } => html! { <pages::Exam code={code} /> },
        Route::Session { id } => html! { <pages::SessionPage id={id} /> },
        Route::Review { id } => html! { <pages::SessionReview id={id} /> },
        Route::Progress => html! { <pages::ProgressPage /> },
        Route::Account => html! { <pages::Account /> },
        Route::Pricing => html! { <pages::Pricing /> },
        Route::Admin | Route::AdminQuestions => html! { <pages::admin::Questions /> },
        Route::AdminNewQuestion => html! { <pages::admin::NewQuestion /> },
        Route::AdminQuestion { id } => html! { <pages::admin::QuestionPage id={id} /> },
        Route::AdminReports => html! { <pages::admin::Reports /> },
        Route::AdminReport { id } => html! { <pages::admin::ReportPage id={id} /> },
        Route::AdminAudit => html! { <pages::admin::AuditLog /> },
        Route::AdminStats => html! { <pages::admin::Stats /> },
        Route::AdminBank => html! { <pages::admin::Bank /> },
        Route::AdminDrafts => html! { <pages::admin::AiDrafts /> },
        Route::NotFound => html! { <pages::NotFound /> },
    }
}

#[component(App)]
pub fn app() -> Html {
    html! {
        <BrowserRouter>
            <session::SessionProvider>
                <billing::BillingProvider>
                    <a class="skip-link" href="#main">{ "Skip to content" }</a>
                    <header class="site-header">
                        <Link<Route> to={Route::Home} classes="brand">{ "PingToPass" }</Link<Route>>
                        <nav aria-label="Main">
                            <Link<Route> to={Route::Exams}>{ "Exams" }</Link<Route>>
                            <Link<Route> to={Route::Progress}>{ "Progress" }</Link<Route>>
                            <Link<Route> to={Route::Pricing}>{ "Pricing" }</Link<Route>>
                            <a href="/api/docs">{ "API" }</a>
                        </nav>
                        <components::AccountMenu />
                    </header>
                    <components::GuestBanner />
                    <components::CostBanner />
                    <main id="main" tabindex="-1">
                        <Switch<Route> render={switch} />
                    </main>
                    <footer class="site-footer">
                        <health::HealthStatus />
                    </footer>
                </billing::BillingProvider>
            </session::SessionProvider>
        </BrowserRouter>
    }
}

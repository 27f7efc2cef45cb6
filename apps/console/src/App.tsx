import { lazy, Suspense, useEffect, useState } from 'react';
import { session } from './api';
import { Chain } from './pages/chain/Chain';
import { CreateOpportunity } from './pages/create-opportunity/CreateOpportunity';
import { Entitlements } from './pages/entitlements/Entitlements';
import { MeteringReports } from './pages/metering-reports/MeteringReports';
import { Opportunities } from './pages/opportunities/Opportunities';
import { Partners } from './pages/partners/Partners';
import { Quarantine } from './pages/quarantine/Quarantine';
import { Renewals } from './pages/renewals/Renewals';
import { Settings } from './pages/settings/Settings';
import { SignIn } from './pages/sign-in/SignIn';
import { Webhooks } from './pages/webhooks/Webhooks';

// Finance brings a chart library: loaded when its page is first opened, not with the console.
const Finance = lazy(() => import('./pages/finance/Finance').then((m) => ({ default: m.Finance })));

/** Hash routes, so the static bundle needs no server-side routing: #/opportunities, #/opportunities/<id>. */
function useRoute(): string {
  const [route, setRoute] = useState(() => window.location.hash.slice(1) || '/opportunities');
  useEffect(() => {
    const changed = () => setRoute(window.location.hash.slice(1) || '/opportunities');
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function App() {
  const route = useRoute();
  const [signedIn, setSignedIn] = useState(() => !!session.key());

  useEffect(() => {
    document.title = signedIn ? 'CPPO Hub' : 'Sign in — CPPO Hub';
  }, [signedIn]);

  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  const opportunity = /^\/opportunities\/([\w-]+)$/.exec(route)?.[1];
  return (
    <>
      <header>
        <strong>CPPO Hub</strong>
        <nav aria-label="Main">
          <a href="#/opportunities">Opportunities</a>
          <a href="#/opportunities/new">Create CPPO</a>
          <a href="#/partners">Partners</a>
          <a href="#/renewals">Renewals</a>
          <a href="#/entitlements">Entitlements</a>
          <a href="#/metering-reports">Metering reports</a>
          <a href="#/quarantine">Quarantine</a>
          <a href="#/webhooks">Webhooks</a>
          <a href="#/finance">Finance</a>
          <a href="#/settings">Settings</a>
        </nav>
        <button
          type="button"
          onClick={() => {
            session.signOut();
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        {route.split('?')[0] === '/opportunities/new' ? (
          <CreateOpportunity
            key={route}
            renew={new URLSearchParams(route.split('?')[1] ?? '').get('renew') ?? undefined}
          />
        ) : route === '/renewals' ? (
          <Renewals />
        ) : route.split('?')[0] === '/entitlements' ? (
          <Entitlements query={new URLSearchParams(route.split('?')[1] ?? '')} />
        ) : route === '/partners' ? (
          <Partners />
        ) : route === '/metering-reports' ? (
          <MeteringReports />
        ) : route === '/quarantine' ? (
          <Quarantine />
        ) : route === '/webhooks' ? (
          <Webhooks />
        ) : route === '/finance' ? (
          <Suspense fallback={<p aria-busy="true">Loading…</p>}>
            <Finance />
          </Suspense>
        ) : route === '/settings' ? (
          <Settings />
        ) : opportunity ? (
          <Chain key={opportunity} id={opportunity} />
        ) : (
          <Opportunities />
        )}
      </main>
    </>
  );
}

/**
 * Shoppers on a web shop: a pool of concurrent sessions, each walking a small funnel (view, click,
 * search, add to cart, purchase) so that referrers, carts and purchases hang together like real sessions.
 */
import { cumulativeWeights, Prng } from '../../core/prng';
import { CLICK_EVENT_TYPES, DEVICE_TYPES, type ClickstreamEvent } from '../../core/event-schemas';
import { IsoTimestamps, round, type GeneratedEvent, type Workload, type WorkloadOptions } from './workload';

type EventType = (typeof CLICK_EVENT_TYPES)[number];
type Step = EventType | 'end';

const LOCATIONS = ['US-NY', 'US-CA', 'US-TX', 'US-WA', 'GB-LND', 'DE-BE', 'FR-IDF', 'JP-13', 'IN-MH', 'BR-SP', 'CA-ON', 'AU-NSW'];
const LOCATION_CUM = cumulativeWeights([16, 16, 10, 6, 10, 8, 7, 7, 8, 5, 4, 3]);
const DEVICE_CUM = cumulativeWeights([58, 34, 8]);
const EXTERNAL_REFERRERS = ['https://www.google.com/', 'https://www.bing.com/', 'https://t.co/', ''];
const SEARCH_TERMS = ['shoes', 'jacket', 'headphones', 'coffee', 'lamp', 'backpack', 'watch', 'desk'];
const CATEGORIES = ['new', 'sale', 'men', 'women', 'home', 'tech'];
const PRODUCTS = 5000;
// Built once: fresh concatenations would be ropes that JSON.stringify has to flatten on every event.
const PRODUCT_IDS = Array.from({ length: PRODUCTS }, (_, i) => `prod-${String(i + 1).padStart(4, '0')}`);
const PRODUCT_URLS = PRODUCT_IDS.map((id) => `/products/${id}`);
const SEARCH_URLS = SEARCH_TERMS.map((term) => `/search?q=${term}`);
const CATEGORY_URLS = ['/', ...CATEGORIES.map((c) => `/category/${c}`)];

/** The funnel: what a shopper does after each kind of event. */
const FUNNEL: Record<EventType, { steps: Step[]; cum: number[] }> = {
  page_view: { steps: ['click', 'search', 'add_to_cart', 'page_view', 'end'], cum: cumulativeWeights([35, 15, 15, 25, 10]) },
  click: { steps: ['page_view', 'add_to_cart', 'search', 'end'], cum: cumulativeWeights([50, 20, 10, 20]) },
  search: { steps: ['click', 'page_view', 'end'], cum: cumulativeWeights([60, 30, 10]) },
  add_to_cart: { steps: ['purchase', 'page_view', 'end'], cum: cumulativeWeights([40, 40, 20]) },
  purchase: { steps: ['end', 'page_view'], cum: cumulativeWeights([70, 30]) },
};

interface Session {
  user: string;
  id: string;
  location: string;
  device: (typeof DEVICE_TYPES)[number];
  last: EventType | undefined;
  lastUrl: string;
  product: number;
}

export class ClickstreamWorkload implements Workload {
  private readonly rng: Prng;
  private readonly times = new IsoTimestamps();
  private readonly sessions: Session[];
  private readonly prices: number[];
  private readonly users: number;
  private readonly hotShare: number;
  private sessionSeq = 0;

  constructor(options: WorkloadOptions & { concurrentSessions?: number }) {
    this.rng = new Prng(options.seed);
    this.hotShare = options.hotKeyShare ?? 0;
    this.users = options.entities ?? 100_000;
    const catalog = new Prng(options.seed ^ 0xca7a);
    this.prices = Array.from({ length: PRODUCTS }, () => Math.max(0.99, round(catalog.logNormal(35, 0.8), 2)));
    this.sessions = Array.from({ length: options.concurrentSessions ?? 1000 }, (_, i) => this.newSession(i === 0));
  }

  /** Slot 0 always belongs to the hot user, so the hot-key share is one user's traffic. */
  private newSession(hotSlot: boolean): Session {
    const rng = this.rng;
    const userIndex = hotSlot ? 1 : 1 + Math.floor(rng.next() * this.users);
    return {
      user: `user-${String(userIndex).padStart(5, '0')}`,
      id: `sess-${(++this.sessionSeq).toString(16).padStart(6, '0')}`,
      location: rng.pickWeighted(LOCATIONS, LOCATION_CUM),
      device: rng.pickWeighted(DEVICE_TYPES, DEVICE_CUM),
      last: undefined,
      lastUrl: rng.pick(EXTERNAL_REFERRERS),
      product: Math.floor(rng.next() * PRODUCTS),
    };
  }

  next(nowMs: number): GeneratedEvent {
    const rng = this.rng;
    const hot = this.hotShare > 0 && rng.chance(this.hotShare);
    const slot = hot ? 0 : Math.floor(rng.next() * this.sessions.length);
    let s = this.sessions[slot];
    let type: EventType;
    if (s.last === undefined) {
      type = 'page_view';
    } else {
      const step = rng.pickWeighted(FUNNEL[s.last].steps, FUNNEL[s.last].cum);
      if (step === 'end') {
        s = this.sessions[slot] = this.newSession(slot === 0);
        type = 'page_view';
      } else {
        type = step;
      }
    }

    let productId = '';
    let url: string;
    switch (type) {
      case 'page_view':
        if (rng.chance(0.7)) {
          s.product = Math.floor(rng.next() * PRODUCTS);
          productId = PRODUCT_IDS[s.product];
          url = PRODUCT_URLS[s.product];
        } else {
          url = rng.chance(0.5) ? '/' : rng.pick(CATEGORY_URLS);
        }
        break;
      case 'click':
        s.product = Math.floor(rng.next() * PRODUCTS);
        productId = PRODUCT_IDS[s.product];
        url = PRODUCT_URLS[s.product];
        break;
      case 'search':
        url = rng.pick(SEARCH_URLS);
        break;
      case 'add_to_cart':
        productId = PRODUCT_IDS[s.product];
        url = '/cart';
        break;
      case 'purchase':
        productId = PRODUCT_IDS[s.product];
        url = '/checkout';
        break;
    }

    const event: ClickstreamEvent = {
      timestamp: this.times.format(nowMs),
      user_id: s.user,
      event_type: type,
      amount: type === 'purchase' ? round(this.prices[s.product] * rng.int(1, 3), 2) : 0,
      product_id: productId,
      session_id: s.id,
      location: s.location,
      device_type: s.device,
      page_url: url,
      referrer: s.lastUrl,
    };
    s.last = type;
    s.lastUrl = url;
    return { event, key: s.user, hot };
  }
}

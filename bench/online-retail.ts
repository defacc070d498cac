/**
 * Reads UCI Online Retail (the gzip CSV at ../shared/data/online-retail, see its NOTICE) into weekly series, streamed
 * with node:zlib. Protocol of issue 15: lines with Quantity > 0, UnitPrice > 0, a StockCode starting with a digit and
 * an InvoiceNo without a leading C; weeks start on Monday; each product's series starts at its first sale's week with
 * zeros filled in; the last week is dropped when the data ends before its Sunday.
 */
import { createReadStream } from 'fs';
import { createInterface } from 'readline';
import { createGunzip } from 'zlib';
import type { DemandSeries } from '../shared/insights/forecast/series';

/** One product's weekly sales from its first selling week to the last full week of the data. */
export interface ProductWeeks {
  stockCode: string;
  /** Index of the product's first selling week (week 0 is the Monday on or before the first line's day). */
  start: number;
  /** Units sold in weeks start, start + 1, …, weeks − 1. */
  units: Float64Array;
  /** Revenue (Σ quantity × unit price) in the same weeks. */
  revenue: Float64Array;
}

/** One customer's purchases: the weeks of their invoices, one entry per invoice, with its revenue. */
export interface CustomerInvoices {
  customerId: string;
  weeks: number[];
  revenue: number[];
}

export interface OnlineRetailWeeks {
  /** Number of full weeks. */
  weeks: number;
  /** ISO date of week 0's Monday. */
  firstMonday: string;
  products: ProductWeeks[];
  customers: CustomerInvoices[];
  /** Lines read and lines kept by the protocol's filter. */
  lines: number;
  kept: number;
}

const dayMs = 86_400_000;

/** Days since 1970-01-01 of a "YYYY-MM-DD HH:MM:SS" timestamp (its calendar day, local time as written). */
function dayNumber(timestamp: string): number {
  const year = Number(timestamp.slice(0, 4));
  const month = Number(timestamp.slice(5, 7));
  const day = Number(timestamp.slice(8, 10));
  return Date.UTC(year, month - 1, day) / dayMs;
}

/** Days since 1970-01-01 of the Monday on or before `day` (1970-01-01 was a Thursday). */
function mondayOf(day: number): number {
  return day - ((day + 3) % 7);
}

/** Splits one CSV line, honouring double quotes (with "" as an escaped quote). */
function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

interface Line {
  invoice: string;
  stockCode: string;
  quantity: number;
  day: number;
  unitPrice: number;
  customerId: string;
}

export async function readOnlineRetail(path: string): Promise<OnlineRetailWeeks> {
  const input = createReadStream(path).pipe(createGunzip());
  const reader = createInterface({ input, crlfDelay: Infinity });
  const expected = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID'];
  let header: string[] | null = null;
  const kept: Line[] = [];
  let lines = 0;
  let firstDay = Infinity;
  let lastDay = -Infinity;
  for await (const text of reader) {
    if (text === '') continue;
    const fields = splitCsv(text);
    if (header === null) {
      header = fields;
      for (const [i, name] of expected.entries())
        if (header[i] !== name) throw new Error(`${path}: column ${i + 1} must be ${name}, found ${header[i]}`);
      continue;
    }
    lines++;
    const [invoice = '', stockCode = '', , quantityText = '', timestamp = '', priceText = '', customerId = ''] = fields;
    const day = dayNumber(timestamp);
    if (!Number.isFinite(day)) throw new Error(`${path}: line ${lines + 1} has InvoiceDate "${timestamp}"`);
    // Every line counts for the calendar, so the last week is judged partial from the data's true end.
    firstDay = Math.min(firstDay, day);
    lastDay = Math.max(lastDay, day);
    const quantity = Number(quantityText);
    const unitPrice = Number(priceText);
    if (!(quantity > 0) || !(unitPrice > 0) || !/^[0-9]/.test(stockCode) || invoice.startsWith('C')) continue;
    kept.push({ invoice, stockCode, quantity, day, unitPrice, customerId });
  }
  if (kept.length === 0) throw new Error(`${path}: no line passes the protocol's filter`);
  const week0 = mondayOf(firstDay);
  // The week holding the last day is full only when that day is a Sunday.
  const weeks = Math.floor((lastDay - week0) / 7) + ((lastDay - week0) % 7 === 6 ? 1 : 0);
  const byProduct = new Map<string, Line[]>();
  for (const line of kept) {
    if (Math.floor((line.day - week0) / 7) >= weeks) continue;
    const list = byProduct.get(line.stockCode);
    if (list === undefined) byProduct.set(line.stockCode, [line]);
    else list.push(line);
  }
  const products: ProductWeeks[] = [];
  for (const [stockCode, list] of byProduct) {
    const start = Math.min(...list.map((l) => Math.floor((l.day - week0) / 7)));
    const units = new Float64Array(weeks - start);
    const revenue = new Float64Array(weeks - start);
    for (const l of list) {
      const w = Math.floor((l.day - week0) / 7) - start;
      units[w]! += l.quantity;
      revenue[w]! += l.quantity * l.unitPrice;
    }
    products.push({ stockCode, start, units, revenue });
  }
  products.sort((a, b) => (a.stockCode < b.stockCode ? -1 : a.stockCode > b.stockCode ? 1 : 0));
  const invoices = new Map<string, { customerId: string; week: number; revenue: number }>();
  for (const line of kept) {
    if (line.customerId === '' || line.customerId === 'NA') continue;
    const week = Math.floor((line.day - week0) / 7);
    if (week >= weeks) continue;
    const invoice = invoices.get(line.invoice);
    if (invoice === undefined)
      invoices.set(line.invoice, { customerId: line.customerId, week, revenue: line.quantity * line.unitPrice });
    else invoice.revenue += line.quantity * line.unitPrice;
  }
  const byCustomer = new Map<string, CustomerInvoices>();
  for (const invoice of invoices.values()) {
    let customer = byCustomer.get(invoice.customerId);
    if (customer === undefined) {
      customer = { customerId: invoice.customerId, weeks: [], revenue: [] };
      byCustomer.set(invoice.customerId, customer);
    }
    customer.weeks.push(invoice.week);
    customer.revenue.push(invoice.revenue);
  }
  const customers = [...byCustomer.values()].sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
  return {
    weeks,
    firstMonday: new Date(week0 * dayMs).toISOString().slice(0, 10),
    products,
    customers,
    lines,
    kept: kept.length,
  };
}

/** Category of a product: the first three characters of its StockCode (codes were issued in families). */
const groupOf = (stockCode: string): string => stockCode.slice(0, 3);

/** The data as the forecaster's catalog (one series per product, grouped by StockCode family). */
export async function onlineRetailCatalog(
  path: string,
): Promise<{ data: OnlineRetailWeeks; catalog: DemandSeries[]; weeks: number }> {
  const data = await readOnlineRetail(path);
  const catalog = data.products.map((p) => ({
    id: p.stockCode,
    group: groupOf(p.stockCode),
    start: p.start,
    units: p.units,
    revenue: p.revenue,
  }));
  return { data, catalog, weeks: data.weeks };
}

'use strict';
// The dashboard: every figure comes from the API of this same server; nothing is fetched from elsewhere.
const PAGE_SIZE = 10;
const REFRESH_MS = 5000;
const NAMES = { dau: 'Active devices', new_mid: 'New devices', order_amount: 'GMV' };
const state = { today: null, date: null, salePage: 1, saleTotal: 0, alertPage: 1, alertTotal: 0, keyword: '' };
const charts = {};
// Hours in order: as object keys, "10".."23" would come before "00".."09" (integer-like keys sort first).
const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

const $ = (id) => document.getElementById(id);

async function api(path, params) {
  const url = path + '?' + new URLSearchParams(params).toString();
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await r.json();
  if (!r.ok) {
    throw new Error(body.detail || (r.status + ' from ' + path));
  }
  return body;
}

function chart(id) {
  if (!charts[id]) {
    charts[id] = echarts.init($(id));
  }
  return charts[id];
}

function format(id, value) {
  return id === 'order_amount'
    ? Number(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    : Number(value).toLocaleString('en-US');
}

// Rows as text only (never HTML), each marked with its id for the tests.
function fillTable(tableId, items, idOf, cellsOf) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren();
  for (const item of items) {
    const row = document.createElement('tr');
    row.dataset.id = idOf(item);
    for (const text of cellsOf(item)) {
      const td = document.createElement('td');
      td.textContent = text === null || text === undefined ? '' : String(text);
      row.appendChild(td);
    }
    body.appendChild(row);
  }
}

async function loadTotals() {
  const totals = await api('realtime-total', { date: state.date });
  const cards = $('totals');
  cards.replaceChildren();
  for (const f of totals) {
    const card = document.createElement('div');
    card.className = 'card';
    card.dataset.id = f.id;
    card.dataset.value = f.value;
    const name = document.createElement('div');
    name.textContent = f.name;
    const value = document.createElement('div');
    value.className = 'value';
    value.textContent = format(f.id, f.value);
    card.append(name, value);
    cards.appendChild(card);
  }
}

async function loadHours() {
  for (const id of Object.keys(NAMES)) {
    const hours = await api('realtime-hour', { id: id, date: state.date });
    const labels = HOURS;
    chart('chart-' + id).setOption({
      grid: { left: 10, right: 10, bottom: 10, top: 40, containLabel: true },
      title: { text: NAMES[id] + ' by hour', textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      legend: { data: ['today', 'yesterday'], right: 10 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value' },
      series: [
        { name: 'today', type: 'line', data: labels.map((h) => Number(hours.today[h])) },
        { name: 'yesterday', type: 'line', data: labels.map((h) => Number(hours.yesterday[h])), lineStyle: { type: 'dashed' } },
      ],
    });
  }
}

function pie(id, stat) {
  chart(id).setOption({
    title: { text: stat.title, textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'item', formatter: '{b}: {c} %' },
    series: [{ type: 'pie', radius: '60%', data: stat.options.map((o) => ({ name: o.name, value: Number(o.value) })) }],
  });
}

async function loadSales() {
  const sale = await api('sale_detail', { date: state.date, startpage: state.salePage, size: PAGE_SIZE, keyword: state.keyword });
  state.saleTotal = sale.total;
  fillTable('sale-table', sale.detail, (d) => d.order_detail_id, (d) =>
    [d.order_detail_id, d.order_id, d.create_time, d.sku_name, d.sku_price, d.sku_num, d.user_gender, d.user_age, d.user_level, d.area]);
  $('sale-total').textContent = sale.total + ' rows';
  $('sale-total').dataset.total = sale.total;
  pager('sale', state.salePage, sale.total);
  if (sale.stat.length === 2) {
    pie('pie-gender', sale.stat[0]);
    pie('pie-age', sale.stat[1]);
  }
}

function pager(what, page, total) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  $(what + '-page').textContent = 'page ' + page + ' of ' + pages;
  $(what + '-prev').disabled = page <= 1;
  $(what + '-next').disabled = page >= pages || page * PAGE_SIZE >= 10000;
}

async function loadAlerts() {
  const page = await api('alerts', { date: state.date, startpage: state.alertPage, size: PAGE_SIZE });
  state.alertTotal = page.total;
  const minute = (ms) => new Date(ms).toISOString().substring(11, 16);
  fillTable('alert-table', page.alerts, (a) => a.alert_id, (a) =>
    [new Date(a.alert_time).toISOString(), a.mid, (a.uids || []).join(', '), minute(a.window_start) + '–' + minute(a.window_end) + ' UTC']);
  pager('alert', state.alertPage, page.total);
}

async function loadReconcile() {
  const r = await api('reconcile-status', { date: state.date });
  $('reconcile').textContent = 'reconcile: ' + r.status;
}

async function load() {
  try {
    await Promise.all([loadTotals(), loadHours(), loadSales(), loadAlerts(), loadReconcile()]);
    $('error').textContent = '';
    $('refresh').textContent = 'updated ' + new Date().toLocaleTimeString() + (state.date === state.today ? ', refreshing every 5 s' : '');
    document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
  } catch (e) {
    $('error').textContent = e.message;
  }
}

function wire() {
  $('date').addEventListener('change', () => {
    state.date = $('date').value || state.today;
    state.salePage = 1;
    state.alertPage = 1;
    load();
  });
  $('search').addEventListener('submit', (e) => {
    e.preventDefault();
    state.keyword = $('keyword').value.trim();
    state.salePage = 1;
    load();
  });
  $('sale-prev').addEventListener('click', () => { state.salePage -= 1; loadSales(); });
  $('sale-next').addEventListener('click', () => { state.salePage += 1; loadSales(); });
  $('alert-prev').addEventListener('click', () => { state.alertPage -= 1; loadAlerts(); });
  $('alert-next').addEventListener('click', () => { state.alertPage += 1; loadAlerts(); });
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
}

async function start() {
  const today = await api('today', {});
  state.today = today.date;
  const asked = new URLSearchParams(window.location.search).get('date');
  state.date = asked || today.date;
  $('date').value = state.date;
  wire();
  await load();
  setInterval(() => { if (state.date === state.today) { load(); } }, REFRESH_MS);
}

start();

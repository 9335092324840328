// Every string the dashboard shows, in both languages. Nothing else in the
// UI carries text of its own: app.js looks strings up here with t(key).
// A string may hold {name} placeholders, filled from t()'s second argument.

export const LANGS = ["zh-CN", "en"];

export const STRINGS = {
  "zh-CN": {
    "app.title": "手套产业集群 · 机台看板",
    "app.short": "机台看板",
    "lang.switch": "EN",
    "lang.switch.title": "Switch to English",

    "login.title": "登录",
    "login.username": "用户名",
    "login.password": "密码",
    "login.submit": "登录",
    "login.busy": "正在登录…",
    "login.bad": "用户名或密码错误",
    "login.locked": "尝试次数过多，请五分钟后再试",
    "login.failed": "登录失败：{message}",

    "user.logout": "退出登录",
    "role.cluster_admin": "集群管理员",
    "role.bureau": "中小企业局",
    "role.enterprise_admin": "企业管理员",
    "role.supervisor": "车间主管",

    "pick.enterprise": "企业",
    "pick.workshop": "车间",
    "pick.all_workshops": "全部车间",
    "pick.none": "（无）",

    "totals.today": "今日产量",
    "totals.enterprise": "全厂今日良品",
    "totals.workshop": "本车间今日良品",
    "totals.all_workshops": "全部车间今日良品",
    "totals.reject": "次品 {n}",
    "totals.machines": "{n} 台机器",
    "totals.day": "{day}（{tz}）",

    "chart.title": "今日每小时产量",
    "chart.good": "良品",
    "chart.reject": "次品",
    "chart.empty": "今日暂无产量",
    "chart.unavailable": "图表不可用",

    "wall.title": "机台墙",
    "wall.empty": "该范围内没有机器",
    "wall.loading": "正在加载…",
    "wall.workshop_total": "{name} · 今日 {total}",

    "tile.today": "今日",
    "tile.reject": "次品 {n}",
    "tile.since": "{time} 起",
    "tile.last_seen": "最后上报 {time}",
    "tile.never": "尚未上报",

    "live.ok": "实时连接",
    "live.connecting": "正在连接…",
    "live.lost": "连接中断，正在重连…",
    "live.updated": "更新于 {time}",

    "unit.piece": "只",
    "unit.piece.fmt": "{n} 只",

    "state.run": "运行",
    "state.idle": "待机",
    "state.stop": "停机",
    "state.fault": "故障",
    "state.setup": "调机",
    "state.off": "关机",
    "state.offline": "离线",
    "state.unknown": "未知",

    "reason.yarn_break": "断纱",
    "reason.needle_break": "断针",
    "reason.dropped_stitch": "漏针",
    "reason.yarn_out": "缺纱",
    "reason.style_change": "换款",
    "reason.size_change": "换码",
    "reason.maintenance": "保养",
    "reason.no_order": "无订单",
    "reason.no_operator": "无人看机",
    "reason.power": "停电",
    "reason.other": "其他",

    "kind.knitting": "织机",
    "kind.overlock": "锁边机",
    "kind.dipping": "浸胶线",
    "kind.sewing": "缝纫机",
    "kind.cutting": "裁床",
    "kind.ironing": "烫台",
    "kind.packing": "包装",
    "kind.other": "其他",
    "gauge": "{n}针",

    "tab.wall": "机台墙",
    "tab.fleet": "网关",
    "fleet.title": "网关与设备",
    "fleet.updated": "更新于 {time}",
    "fleet.empty": "自 gloved 启动以来，本企业还没有网关或设备上报数据",
    "fleet.col.protocol": "协议",
    "fleet.col.name": "名称",
    "fleet.col.status": "状态",
    "fleet.col.last_seen": "最后上报",
    "fleet.col.rate": "每分钟消息",
    "fleet.col.errors": "错误",
    "fleet.col.machines": "所连机器",
    "fleet.online": "在线",
    "fleet.offline": "离线",
    "fleet.never": "—",
    "fleet.no_errors": "无",
    "fleet.errors": "{n} 次",
    "fleet.last_error": "最近一次 {time}：{message}",
    "fleet.machines": "{n} 台",
    "fleet.proto.http": "HTTP",
    "fleet.proto.mqtt": "MQTT (JSON)",
    "fleet.proto.sparkplug": "Sparkplug B",
    "fleet.proto.modbus": "Modbus TCP",
    "error.generic": "出错了：{message}",
    "error.network": "网络错误，请稍后重试",
  },

  en: {
    "app.title": "Glove cluster · Machine wall",
    "app.short": "Machine wall",
    "lang.switch": "中文",
    "lang.switch.title": "切换到中文",

    "login.title": "Sign in",
    "login.username": "User name",
    "login.password": "Password",
    "login.submit": "Sign in",
    "login.busy": "Signing in…",
    "login.bad": "Wrong user name or password",
    "login.locked": "Too many attempts, try again in five minutes",
    "login.failed": "Sign-in failed: {message}",

    "user.logout": "Sign out",
    "role.cluster_admin": "Cluster admin",
    "role.bureau": "SME bureau",
    "role.enterprise_admin": "Firm admin",
    "role.supervisor": "Supervisor",

    "pick.enterprise": "Firm",
    "pick.workshop": "Workshop",
    "pick.all_workshops": "All workshops",
    "pick.none": "(none)",

    "totals.today": "Output today",
    "totals.enterprise": "Firm, good today",
    "totals.workshop": "Workshop, good today",
    "totals.all_workshops": "All workshops, good today",
    "totals.reject": "rejects {n}",
    "totals.machines": "{n} machines",
    "totals.day": "{day} ({tz})",

    "chart.title": "Output per hour today",
    "chart.good": "Good",
    "chart.reject": "Rejects",
    "chart.empty": "No output yet today",
    "chart.unavailable": "Chart unavailable",

    "wall.title": "Machine wall",
    "wall.empty": "No machines here",
    "wall.loading": "Loading…",
    "wall.workshop_total": "{name} · today {total}",

    "tile.today": "Today",
    "tile.reject": "rejects {n}",
    "tile.since": "since {time}",
    "tile.last_seen": "last report {time}",
    "tile.never": "no report yet",

    "live.ok": "Live",
    "live.connecting": "Connecting…",
    "live.lost": "Connection lost, reconnecting…",
    "live.updated": "updated {time}",

    "unit.piece": "pcs",
    "unit.piece.fmt": "{n} pcs",

    "state.run": "Run",
    "state.idle": "Idle",
    "state.stop": "Stop",
    "state.fault": "Fault",
    "state.setup": "Setup",
    "state.off": "Off",
    "state.offline": "Offline",
    "state.unknown": "Unknown",

    "reason.yarn_break": "Yarn break",
    "reason.needle_break": "Needle break",
    "reason.dropped_stitch": "Dropped stitch",
    "reason.yarn_out": "Yarn out",
    "reason.style_change": "Style change",
    "reason.size_change": "Size change",
    "reason.maintenance": "Maintenance",
    "reason.no_order": "No order",
    "reason.no_operator": "No operator",
    "reason.power": "Power cut",
    "reason.other": "Other",

    "kind.knitting": "knitting",
    "kind.overlock": "overlock",
    "kind.dipping": "dipping",
    "kind.sewing": "sewing",
    "kind.cutting": "cutting",
    "kind.ironing": "ironing",
    "kind.packing": "packing",
    "kind.other": "other",
    "gauge": "{n}G",

    "tab.wall": "Machine wall",
    "tab.fleet": "Gateways",
    "fleet.title": "Gateways and devices",
    "fleet.updated": "updated {time}",
    "fleet.empty": "No gateway or device of this firm has sent data since gloved started",
    "fleet.col.protocol": "Protocol",
    "fleet.col.name": "Name",
    "fleet.col.status": "Status",
    "fleet.col.last_seen": "Last seen",
    "fleet.col.rate": "Messages/min",
    "fleet.col.errors": "Errors",
    "fleet.col.machines": "Machines",
    "fleet.online": "Online",
    "fleet.offline": "Offline",
    "fleet.never": "—",
    "fleet.no_errors": "none",
    "fleet.errors": "{n}",
    "fleet.last_error": "last at {time}: {message}",
    "fleet.machines": "{n}",
    "fleet.proto.http": "HTTP",
    "fleet.proto.mqtt": "MQTT (JSON)",
    "fleet.proto.sparkplug": "Sparkplug B",
    "fleet.proto.modbus": "Modbus TCP",
    "error.generic": "Something went wrong: {message}",
    "error.network": "Network error, please try again",
  },
};

export const STATES = ["run", "idle", "stop", "fault", "setup", "off", "offline", "unknown"];

let current = "zh-CN";

export function setLang(lang) {
  current = LANGS.includes(lang) ? lang : "zh-CN";
  return current;
}

export function getLang() {
  return current;
}

// t("tile.reject", {n: 3}) -> "次品 3". A key missing from the current
// language falls back to zh-CN, then to the key itself, so a gap shows up
// on screen instead of breaking the page.
export function t(key, vars) {
  let s = STRINGS[current][key];
  if (s === undefined) s = STRINGS["zh-CN"][key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return s;
}

// Whether a key exists (used for optional translations like stop reasons).
export function has(key) {
  return key in STRINGS[current] || key in STRINGS["zh-CN"];
}

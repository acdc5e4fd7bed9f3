<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ConfirmDialog</name>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="193" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ConflictsDialog</name>
    <message>
        <source>Duplicate entry</source>
        <translation>重复入场</translation>
    </message>
    <message>
        <source>Scan of a revoked badge</source>
        <translation>已作废胸卡的扫码</translation>
    </message>
    <message>
        <source>Possible duplicate person</source>
        <translation>疑似重复人员</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>%1 at %2</source>
        <translation>%1 于 %2</translation>
    </message>
    <message>
        <source>same e-mail as record %1</source>
        <translation>与记录 %1 的邮箱相同</translation>
    </message>
    <message>
        <source>badge %1 revoked %2</source>
        <translation>胸卡 %1 已作废（%2）</translation>
    </message>
    <message>
        <source>first admitted %1</source>
        <translation>首次入场：%1</translation>
    </message>
    <message>
        <source>not yet</source>
        <translation>尚未</translation>
    </message>
    <message>
        <source>Merge records</source>
        <translation>合并记录</translation>
    </message>
    <message>
        <source>Merge %1 (record %2) into record %3? Its badges and check-ins then count for the record kept. The merge is recorded and synced to every station.</source>
        <translation>将 %1（记录 %2）合并到记录 %3？其胸卡与签到将计入保留的记录。合并会被记录并同步到所有站点。</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Merged.</source>
        <translation>已合并。</translation>
    </message>
    <message>
        <source>Not merged: %1</source>
        <translation>未合并：%1</translation>
    </message>
    <message>
        <source>Conflicts between stations</source>
        <translation>站点间冲突</translation>
    </message>
    <message>
        <source>Facts found after sync, kept and counted once: nothing was lost. Times are the stations' clocks, in the event's time zone.</source>
        <translation>同步后发现的情况，均已保留且只计一次：没有丢失任何记录。时间为各站点的时钟，按活动时区显示。</translation>
    </message>
    <message>
        <source>What</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>场次</translation>
    </message>
    <message>
        <source>When and where</source>
        <translation>时间与站点</translation>
    </message>
    <message>
        <source>Against</source>
        <translation>对照</translation>
    </message>
    <message>
        <source>Reached the hub</source>
        <translation>到达中心</translation>
    </message>
    <message>
        <source>No conflicts: the stations agree.</source>
        <translation>没有冲突：各站点一致。</translation>
    </message>
    <message>
        <source>Merge…</source>
        <translation>合并…</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <location filename="../../ui/dashboard/exports.py" line="48" />
        <source>Attendance, all sessions (CSV)</source>
        <translation>签到名单，全部场次（CSV）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/exports.py" line="56" />
        <source>Attendance, a sheet per session (Excel)</source>
        <translation>签到名单，每场次一页（Excel）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/exports.py" line="64" />
        <source>Scan log, refused scans and undos too (CSV)</source>
        <translation>扫码记录，含拒绝与撤销（CSV）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/exports.py" line="72" />
        <source>Scan log (Excel)</source>
        <translation>扫码记录（Excel）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/exports.py" line="80" />
        <source>Not yet arrived, selected session (CSV)</source>
        <translation>所选场次尚未签到（CSV）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/exports.py" line="89" />
        <source>Not yet arrived, selected session (Excel)</source>
        <translation>所选场次尚未签到（Excel）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/exports.py" line="98" />
        <source>Attendance report (PDF)</source>
        <translation>签到报告（PDF）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/header.py" line="65" />
        <source>Organizer dashboard</source>
        <translation>主办方数据看板</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/header.py" line="67" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="131" />
        <source>Event database: %1</source>
        <translation>活动数据库：%1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="249" />
        <source>Filter by name, organization, e-mail…</source>
        <translation>按姓名、单位、邮箱筛选…</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="251" />
        <source>Connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/dashboard/view.py" line="267" />
        <source>newest first · %n refused</source>
        <translation><numerusform>最新在前 · 共拒绝 %n 次</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="335" />
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="356" />
        <source>%1 of %2</source>
        <translation>%1 / 共 %2</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="362" />
        <source>Cannot read the event database: %1</source>
        <translation>无法读取活动数据库：%1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="374" />
        <source>● Not updating (last try %1)</source>
        <translation>● 未更新（最近尝试 %1）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="376" />
        <source>● Live · updated %1</source>
        <translation>● 实时 · 更新于 %1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="400" />
        <source>An export is already running.</source>
        <translation>已有导出正在进行。</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="411" />
        <source>Exporting %1…</source>
        <translation>正在导出%1…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/dashboard/view.py" line="425" />
        <source>Saved %1 (%n row(s))</source>
        <translation><numerusform>已保存 %1（%n 行）</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/dashboard/view.py" line="427" />
        <source>Saved %1 (%n page(s))</source>
        <translation><numerusform>已保存 %1（%n 页）</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="429" />
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/view.py" line="437" />
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Matchmaking meetings, with their status (Excel)</source>
        <translation>商务对接洽谈及状态（Excel）</translation>
    </message>
    <message>
        <source>Matchmaking meetings, with their status (CSV)</source>
        <translation>商务对接洽谈及状态（CSV）</translation>
    </message>
    <message>
        <source>Meetings per company (Excel)</source>
        <translation>各单位洽谈统计（Excel）</translation>
    </message>
</context>
<context>
    <name>DeskActions</name>
    <message>
        <location filename="../../ui/desk/actions.py" line="64" />
        <source>Only an admitted check-in or an exit can be undone.</source>
        <translation>只能撤销已签到或离场的记录。</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="72" />
        <source>Nothing to undo: no check-in at this station yet.</source>
        <translation>没有可撤销的记录：本签到台尚无签到。</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="76" />
        <source>Undo check-in · 撤销签到</source>
        <translation>撤销签到</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="78" />
        <source>Why is it undone? (kept in the log)</source>
        <translation>撤销原因？（将记入日志）</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="79" />
        <source>scanned by mistake</source>
        <translation>误扫</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="80" />
        <source>Undo check-in</source>
        <translation>撤销签到</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="90" />
        <source>Check-in undone.</source>
        <translation>已撤销签到。</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="100" />
        <source>Nothing to reprint: select a person in the search results first.</source>
        <translation>没有可补打的胸卡：请先在搜索结果中选择人员。</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="105" />
        <source>Reprint badge · 补打胸卡</source>
        <translation>补打胸卡</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="107" />
        <source>The old badge stops working. Reason for the reprint:</source>
        <translation>旧胸卡将失效。补打原因：</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="108" />
        <source>lost badge</source>
        <translation>胸卡遗失</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="109" />
        <source>Reprint badge</source>
        <translation>补打胸卡</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="119" />
        <source>New badge issued; the old one is revoked.</source>
        <translation>已签发新胸卡，旧胸卡已作废。</translation>
    </message>
    <message>
        <location filename="../../ui/desk/actions.py" line="156" />
        <source>Walk-in registered: %1</source>
        <translation>现场注册完成：%1</translation>
    </message>
    <message>
        <source>Over capacity: %1.</source>
        <translation>已超出容量：%1。</translation>
    </message>
    <message>
        <source>No schedule slip to print: select a person in the search results or check someone in first.</source>
        <translation>没有可打印的洽谈日程：请先在搜索结果中选择人员，或先为某人签到。</translation>
    </message>
    <message>
        <source>Printing is not available at this desk.</source>
        <translation>本签到台无法打印。</translation>
    </message>
    <message>
        <source>Preparing the schedule slip…</source>
        <translation>正在准备洽谈日程…</translation>
    </message>
</context>
<context>
    <name>HubDialog</name>
    <message>
        <source>Hub</source>
        <translation>同步中心</translation>
    </message>
    <message>
        <source>Stations of one event sync through a PostgreSQL hub. Scans are always decided here first; the hub only shares them.</source>
        <translation>同一活动的各站点通过 PostgreSQL 同步中心同步。扫码总是先在本机判定；中心只负责共享。</translation>
    </message>
    <message>
        <source>Now: not syncing (this station works on its own).</source>
        <translation>当前：未同步（本站独立工作）。</translation>
    </message>
    <message>
        <source>Now: %1</source>
        <translation>当前：%1</translation>
    </message>
    <message>
        <source>postgresql://user:password@host:5432/database</source>
        <translation>postgresql://用户:密码@主机:5432/数据库</translation>
    </message>
    <message>
        <source>Save and sync</source>
        <translation>保存并同步</translation>
    </message>
    <message>
        <source>Stop syncing</source>
        <translation>停止同步</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Not a connection string: give a postgresql:// address or host=… pairs.</source>
        <translation>不是连接字符串：请填写 postgresql:// 地址或 host=… 参数。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="174" />
        <source>Unknown session %s; using the current one.</source>
        <translation>未知场次 %s，已改用当前场次。</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="115" />
        <source>Camera: %1</source>
        <translation>摄像头：%1</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="208" />
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="210" />
        <source>%1: cannot be written</source>
        <translation>%1：无法写入</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="211" />
        <source>%1: unavailable</source>
        <translation>%1：不可用</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="212" />
        <source>%1: no such database</source>
        <translation>%1：数据库不存在</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="220" />
        <source>The dashboard cannot show the event: %1</source>
        <translation>数据看板无法显示活动：%1</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="224" />
        <source>Opening the event database…</source>
        <translation>正在打开活动数据库…</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="267" />
        <source>no camera</source>
        <translation>无摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="271" />
        <source>starting</source>
        <translation>启动中</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="271" />
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="272" />
        <source>unavailable</source>
        <translation>不可用</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="272" />
        <source>ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="273" />
        <source>off</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="277" />
        <source>camera: %1 · %2 fps</source>
        <translation>摄像头：%1 · %2 帧/秒</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="422" />
        <source>Staff desk</source>
        <translation>服务台</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="423" />
        <source>Self check-in</source>
        <translation>自助签到</translation>
    </message>
    <message>
        <location filename="../../ui/app/mainwindow.py" line="424" />
        <source>Dashboard</source>
        <translation>数据看板</translation>
    </message>
    <message>
        <location filename="../../ui/app/shell.py" line="119" />
        <source>Settings: %1</source>
        <translation>设置：%1</translation>
    </message>
    <message>
        <source>Close the desk?</source>
        <translation>关闭签到台？</translation>
    </message>
    <message>
        <source>Close Forum Check-in? While it is closed, this desk takes no scans.</source>
        <translation>关闭论坛签到？关闭期间，本签到台无法扫码签到。</translation>
    </message>
</context>
<context>
    <name>MissingDatabasePage</name>
    <message>
        <location filename="../../ui/app/missing_db.py" line="79" />
        <source>Open an event database</source>
        <translation>打开活动数据库</translation>
    </message>
    <message>
        <location filename="../../ui/app/missing_db.py" line="81" />
        <source>Event databases (*.sqlite *.db)</source>
        <translation>活动数据库 (*.sqlite *.db)</translation>
    </message>
    <message>
        <location filename="../../ui/app/missing_db.py" line="92" />
        <source>No event database here</source>
        <translation>此处没有活动数据库</translation>
    </message>
    <message>
        <location filename="../../ui/app/missing_db.py" line="95" />
        <source>%1 does not exist. Create a new event database there (the embedded forum's program, with a new badge signing key), or open another database file.</source>
        <translation>%1 不存在。可在此新建活动数据库（内置论坛日程，并生成新的胸卡签名密钥），或打开其他数据库文件。</translation>
    </message>
    <message>
        <location filename="../../ui/app/missing_db.py" line="99" />
        <source>Create a new event database here</source>
        <translation>在此新建活动数据库</translation>
    </message>
    <message>
        <location filename="../../ui/app/missing_db.py" line="100" />
        <source>Open another database…</source>
        <translation>打开其他数据库…</translation>
    </message>
    <message>
        <location filename="../../ui/app/missing_db.py" line="101" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../ui/kiosk/pin.py" line="118" />
        <source>Staff PIN</source>
        <translation>工作人员密码</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/pin.py" line="119" />
        <source>Enter the staff PIN to leave the self check-in kiosk</source>
        <translation>请输入工作人员密码以退出自助签到</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/pin.py" line="120" />
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/pin.py" line="121" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/kiosk/pin.py" line="147" />
        <source>Wrong PIN. %n more tries before a 30-second lockout.</source>
        <translation><numerusform>密码错误。再错 %n 次将锁定 30 秒。</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/kiosk/pin.py" line="161" />
        <source>Too many wrong PINs. Try again in %n s.</source>
        <translation><numerusform>密码错误次数过多，请 %n 秒后再试。</numerusform></translation>
    </message>
</context>
<context>
    <name>StaffView</name>
    <message>
        <location filename="../../ui/desk/texts.py" line="18" />
        <source>Counts</source>
        <translation>人数统计</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="20" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="21" />
        <source>Walk-in registration</source>
        <translation>现场注册</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="22" />
        <source>Reprint</source>
        <translation>补打胸卡</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="23" />
        <source>Badge</source>
        <translation>胸卡</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="24" />
        <source>Printing</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="25" />
        <source>Staff PIN log</source>
        <translation>密码记录</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="33" />
        <source>The database is opening…</source>
        <translation>数据库正在打开…</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="35" />
        <source>No event database: create one or open another.</source>
        <translation>没有活动数据库：请新建或打开其他数据库。</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="39" />
        <source>The database cannot be written: %1</source>
        <translation>数据库无法写入：%1</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="41" />
        <source>The database is unavailable: %1</source>
        <translation>数据库不可用：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/desk/texts.py" line="44" />
        <source>Scans kept: %n, recorded when it is back.</source>
        <translation><numerusform>已暂存 %n 次扫码，数据库恢复后自动补记。</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="48" />
        <source>Scans are kept and recorded when it is back.</source>
        <translation>扫码将暂存，数据库恢复后自动补记。</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="50" />
        <source>Use the paper list meanwhile.</source>
        <translation>在此期间请使用纸质名单。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/desk/view.py" line="317" />
        <source>The database is back: kept scans recorded: %n.</source>
        <translation><numerusform>数据库已恢复，已补记 %n 次暂存扫码。</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="393" />
        <source>Nobody found for “%1”.</source>
        <translation>未找到“%1”。</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="432" />
        <source>Camera starting…</source>
        <translation>摄像头启动中…</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="433" />
        <source>Camera on · decoder running</source>
        <translation>摄像头已开启 · 正在识别</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="434" />
        <source>Camera unavailable: %s</source>
        <translation>摄像头不可用：%s</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="435" />
        <source>Video ended</source>
        <translation>视频已结束</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="436" />
        <source>Camera off</source>
        <translation>摄像头已关闭</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="462" />
        <source>Session</source>
        <translation>场次</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="463" />
        <source>Station</source>
        <translation>签到台</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="464" />
        <source>Print a badge at first check-in</source>
        <translation>首次签到时打印胸卡</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="490" />
        <source>With the schedule slip</source>
        <translation>同时打印洽谈日程</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="492" />
        <source>Print the attendee's matchmaking schedule with the badge, if they have meetings</source>
        <translation>如该参会者有洽谈安排，随胸卡一并打印其洽谈日程</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="465" />
        <source>CAMERA</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="466" />
        <source>LIVE COUNTS</source>
        <translation>实时人数</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="468" />
        <source>Search name, Chinese name, organization or email (Ctrl+F)</source>
        <translation>搜索姓名、中文名、单位或邮箱（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="470" />
        <source>Check in (Enter)</source>
        <translation>签到（Enter）</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="471" />
        <source>Reprint badge (Ctrl+P)</source>
        <translation>补打胸卡（Ctrl+P）</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="472" />
        <source>Walk-in registration (Ctrl+N)</source>
        <translation>现场注册（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="473" />
        <source>Undo selected (Ctrl+Z)</source>
        <translation>撤销所选（Ctrl+Z）</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="17" />
        <location filename="../../ui/desk/view.py" line="474" />
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../ui/desk/view.py" line="332" />
        <source>%1 failed: %2</source>
        <translation>%1失败：%2</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="16" />
        <source>Check-in</source>
        <translation>签到</translation>
    </message>
    <message>
        <location filename="../../ui/desk/texts.py" line="19" />
        <location filename="../../ui/desk/view.py" line="475" />
        <source>Recent scans</source>
        <translation>最近扫码</translation>
    </message>
    <message>
        <location filename="../../ui/desk/lists.py" line="113" />
        <source>✓ Checked in at %1 (%2)</source>
        <translation>✓ 已于 %1 签到（%2）</translation>
    </message>
    <message>
        <source>%1 is already registered: search for them instead.</source>
        <translation>%1 已经注册：请搜索此人。</translation>
    </message>
    <message>
        <source>The email address %1 is not valid.</source>
        <translation>邮箱地址 %1 格式不正确。</translation>
    </message>
    <message>
        <source>Walk-ins are not registered for %1.</source>
        <translation>现场注册人员不能报名 %1。</translation>
    </message>
    <message>
        <source>The event file opens no session to walk-ins.</source>
        <translation>活动文件没有向现场注册开放任何场次。</translation>
    </message>
    <message>
        <source>A name (English or Chinese) is required.</source>
        <translation>必须填写姓名（英文或中文）。</translation>
    </message>
</context>
<context>
    <name>SyncBar</name>
    <message>
        <source>Hub…</source>
        <translation>同步中心…</translation>
    </message>
    <message>
        <source>Set or clear the hub this station syncs with</source>
        <translation>设置或清除本站同步的中心</translation>
    </message>
</context>
<context>
    <name>SyncControls</name>
    <message>
        <source>Whole event (all stations)</source>
        <translation>整个活动（所有站点）</translation>
    </message>
    <message>
        <source>This station only</source>
        <translation>仅本站</translation>
    </message>
    <message>
        <source>Every station's entries this database holds after sync</source>
        <translation>同步后本数据库中所有站点的记录</translation>
    </message>
    <message>
        <source>Only the check-ins made at this station</source>
        <translation>仅本站完成的签到</translation>
    </message>
    <message>
        <source>Conflicts (%1)</source>
        <translation>冲突（%1）</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message>
        <source>Not syncing</source>
        <translation>未同步</translation>
    </message>
    <message>
        <source>No hub is set: this station works on its own.</source>
        <translation>未设置同步中心：本站独立工作。</translation>
    </message>
    <message>
        <source>Hub: connecting…</source>
        <translation>同步中心：连接中…</translation>
    </message>
    <message>
        <source>Starting the sync with the hub.</source>
        <translation>正在开始与同步中心同步。</translation>
    </message>
    <message>
        <source>Hub: online</source>
        <translation>同步中心：在线</translation>
    </message>
    <message>
        <source>Hub: offline</source>
        <translation>同步中心：离线</translation>
    </message>
    <message>
        <source>Hub: refused</source>
        <translation>同步中心：拒绝连接</translation>
    </message>
    <message>
        <source>Hub: sync stopped</source>
        <translation>同步中心：同步已停止</translation>
    </message>
    <message>
        <source>Why: %1</source>
        <translation>原因：%1</translation>
    </message>
    <message>
        <source>Scans are still decided and recorded here; they upload when the hub is back.</source>
        <translation>扫码仍在本机判定并记录；中心恢复后自动上传。</translation>
    </message>
    <message>
        <source>Next try in %1 s</source>
        <translation>%1 秒后重试</translation>
    </message>
    <message>
        <source>%1 waiting to upload</source>
        <translation>%1 条待上传</translation>
    </message>
    <message>
        <source>last sync %1</source>
        <translation>上次同步 %1</translation>
    </message>
    <message>
        <source>never synced</source>
        <translation>尚未同步</translation>
    </message>
    <message>
        <source>behind</source>
        <translation>慢于</translation>
    </message>
    <message>
        <source>ahead of</source>
        <translation>快于</translation>
    </message>
    <message>
        <source>⚠ clock %1 s %2 the hub</source>
        <translation>⚠ 时钟%2同步中心 %1 秒</translation>
    </message>
    <message>
        <source>This computer's clock is more than a minute off the hub's: set its time.</source>
        <translation>本机时钟与同步中心相差超过一分钟：请校准时间。</translation>
    </message>
    <message>
        <source>Hub: %1</source>
        <translation>同步中心：%1</translation>
    </message>
    <message>
        <source>%1 entries still to download</source>
        <translation>还有 %1 条待下载</translation>
    </message>
</context>
<context>
    <name>WalkInDialog</name>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="92" />
        <source>Walk-in registration · 现场注册</source>
        <translation>现场注册</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="100" />
        <source>Needs attention (VIP handling)</source>
        <translation>需特别关注（贵宾接待）</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="94" />
        <source>Name (English)</source>
        <translation>英文姓名</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="94" />
        <source>Name (Chinese)</source>
        <translation>中文姓名</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="94" />
        <source>Organization</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="95" />
        <source>Organization (Chinese)</source>
        <translation>单位（中文）</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="95" />
        <source>Title</source>
        <translation>职务</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="95" />
        <source>Email</source>
        <translation>电子邮箱</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="96" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="96" />
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="96" />
        <source>Desk notes</source>
        <translation>服务台备注</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="96" />
        <source>Sessions</source>
        <translation>场次</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="101" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="140" />
        <source>Not registered: %1</source>
        <translation>未能注册：%1</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="153" />
        <source>Register and print badge</source>
        <translation>注册并打印胸卡</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="153" />
        <source>Registering…</source>
        <translation>正在注册…</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="157" />
        <source>The database cannot be written, so nobody can be registered now: %1</source>
        <translation>数据库无法写入，暂时无法注册：%1</translation>
    </message>
    <message>
        <location filename="../../ui/desk/dialogs.py" line="129" />
        <source>A name (English or Chinese) is required.</source>
        <translation>请填写姓名（英文或中文）。</translation>
    </message>
    <message>
        <source>Already registered? These people have the same name. Check one of them in instead of registering them twice.</source>
        <translation>已经注册过？以下人员同名。请直接为其中一位签到，不要重复注册。</translation>
    </message>
    <message>
        <source>Check in this person instead</source>
        <translation>改为为此人签到</translation>
    </message>
    <message>
        <source>(same organization)</source>
        <translation>（同一单位）</translation>
    </message>
    <message>
        <source>%1 is full: %2 registered for %3 places.</source>
        <translation>%1已满：%3个名额，已报名%2人。</translation>
    </message>
    <message>
        <source>Register as a new person anyway</source>
        <translation>仍注册为新人员</translation>
    </message>
</context>
</TS>
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../ui/calendar/day_sheet.py" line="41"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/day_sheet.py" line="41"/>
        <source>患者</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/day_sheet.py" line="41"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/day_sheet.py" line="41"/>
        <source>项目</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/day_sheet.py" line="41"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/day_sheet.py" line="41"/>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/day_sheet.py" line="47"/>
        <source>过敏</source>
        <translation>allergy</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="431"/>
        <source>营业额</source>
        <translation>Revenue</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="432"/>
        <source>实收</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="433"/>
        <source>储值充值</source>
        <translation>Stored value sold</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="434"/>
        <source>储值消费</source>
        <translation>Stored value spent</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="436"/>
        <source>就诊人次</source>
        <translation>Visits</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="437"/>
        <source>就诊患者</source>
        <translation>Patients seen</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="438"/>
        <source>新患者</source>
        <translation>New patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="439"/>
        <source>复诊患者</source>
        <translation>Returning</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="440"/>
        <source>客单价</source>
        <translation>Avg. ticket</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="441"/>
        <source>复诊率</source>
        <translation>Repeat rate</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="442"/>
        <source>爽约率</source>
        <translation>No-show rate</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="443"/>
        <source>取消率</source>
        <translation>Cancel rate</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="95"/>
        <location filename="../../ui/pages/segment_filter.py" line="96"/>
        <source>不限</source>
        <translation>Any</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="95"/>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="96"/>
        <source>到</source>
        <translation>To</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="274"/>
        <source>等于</source>
        <translation>equals</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="298"/>
        <location filename="../../ui/pages/segment_filter.py" line="345"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="298"/>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="306"/>
        <source>年龄</source>
        <translation>Age</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="307"/>
        <source> 岁</source>
        <translation> yrs</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="308"/>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="309"/>
        <source>男</source>
        <translation>M</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="309"/>
        <source>女</source>
        <translation>F</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="310"/>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="311"/>
        <source>任一标签</source>
        <translation>Any tag</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="312"/>
        <source>全部标签</source>
        <translation>All tags</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="314"/>
        <source>来源渠道</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="316"/>
        <location filename="../../ui/pages/segments_page.py" line="92"/>
        <source>会员等级</source>
        <translation>Tier</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="317"/>
        <source>无等级</source>
        <translation>No tier</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="318"/>
        <source>首诊日期</source>
        <translation>First visit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="320"/>
        <source>末次就诊日期</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="322"/>
        <source>距末次就诊（月）</source>
        <translation>Months since last visit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="325"/>
        <source> 个月</source>
        <translation> months</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="326"/>
        <source>活跃状态</source>
        <translation>Activity</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="327"/>
        <source>活跃</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="327"/>
        <source>沉睡</source>
        <translation>Dormant</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="328"/>
        <source>流失</source>
        <translation>Lost</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="328"/>
        <source>从未就诊</source>
        <translation>Never seen</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="329"/>
        <location filename="../../ui/pages/segments_page.py" line="95"/>
        <source>就诊次数</source>
        <translation>Visits</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="330"/>
        <source> 次</source>
        <translation> uses</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="331"/>
        <location filename="../../ui/pages/segments_page.py" line="97"/>
        <source>消费金额</source>
        <translation>Spend</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="334"/>
        <location filename="../../ui/pages/segments_page.py" line="99"/>
        <source>欠费</source>
        <translation>Owed</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="336"/>
        <source>储值余额</source>
        <translation>Stored value</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="338"/>
        <source>做过的项目</source>
        <translation>Procedures had</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="340"/>
        <source>类别（任一）</source>
        <translation>Categories (any)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="341"/>
        <source>或项目</source>
        <translation>or procedures</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="344"/>
        <source>做过高价值项目</source>
        <translation>Had a high-value procedure</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="346"/>
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="348"/>
        <source>有未完成的复诊提醒</source>
        <translation>Open recall</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="350"/>
        <source>满意度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="352"/>
        <source> 分</source>
        <translation> pts</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="353"/>
        <source>介绍过新患者</source>
        <translation>Has referred</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="354"/>
        <source>地址含（城市/区县）</source>
        <translation>Address contains</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="355"/>
        <source>例如 朝阳区</source>
        <translation>e.g. Chaoyang</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="356"/>
        <source>自定义字段</source>
        <translation>Custom field</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="358"/>
        <source>RFM 分组</source>
        <translation>RFM group</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="361"/>
        <source> 个月内</source>
        <translation> months</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="378"/>
        <source>去掉这个条件</source>
        <translation>Remove this criterion</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="409"/>
        <source>未加条件：全部在档患者。</source>
        <translation>No criteria: every current patient.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segment_filter.py" line="421"/>
        <source>＋ 添加条件…</source>
        <translation>+ Add criterion…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="89"/>
        <source>病历号</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="90"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="91"/>
        <source>手机</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="93"/>
        <source>末次就诊</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="364"/>
        <source>分组</source>
        <translation>Group</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="365"/>
        <location filename="../../ui/pages/segments_page.py" line="414"/>
        <source>人数</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="367"/>
        <source>期间消费</source>
        <translation>Spend</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="409"/>
        <source>活动</source>
        <translation>Campaign</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="410"/>
        <source>方式</source>
        <translation>Method</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="411"/>
        <source>分群</source>
        <translation>Segment</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="411"/>
        <source>（自定义条件）</source>
        <translation>(custom criteria)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="412"/>
        <source>开始</source>
        <translation>Started</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="416"/>
        <source>对照组</source>
        <translation>Held out</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="41"/>
        <source>待处理</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="41"/>
        <source>处理中</source>
        <translation>Handling</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="42"/>
        <source>已解决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="43"/>
        <source>未登记</source>
        <translation>not recorded</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="43"/>
        <source>同意</source>
        <translation>agreed</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="43"/>
        <source>拒收</source>
        <translation>refused</translation>
    </message>
</context>
<context>
    <name>AdjustPointsDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="299"/>
        <source>调整积分</source>
        <translation>Adjust points</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="304"/>
        <source>例如：补录纸质会员卡积分</source>
        <translation>e.g. points from the old paper card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="305"/>
        <source>积分（负数为扣减）</source>
        <translation>Points (negative takes away)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="306"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="308"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="45"/>
        <location filename="../../ui/pages/admin_page.py" line="234"/>
        <source>员工与椅位</source>
        <translation>Staff &amp; chairs</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="46"/>
        <source>管理登录账号、角色、出诊医生，以及椅位和诊室。</source>
        <translation>Sign-in accounts, roles, doctors on the calendar, and chairs and rooms.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="47"/>
        <location filename="../../ui/pages/admin_page.py" line="134"/>
        <source>员工</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="55"/>
        <source>新增员工</source>
        <translation>Add staff</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="56"/>
        <location filename="../../ui/pages/admin_page.py" line="84"/>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="57"/>
        <source>停用/启用</source>
        <translation>Deactivate/activate</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="58"/>
        <location filename="../../ui/pages/admin_page.py" line="164"/>
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="59"/>
        <location filename="../../ui/pages/admin_page.py" line="172"/>
        <source>要求改密码</source>
        <translation>Require new password</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="60"/>
        <source>下次登录时必须先设置新密码</source>
        <translation>Must choose a new password at the next sign-in</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="71"/>
        <source>椅位 / 诊室</source>
        <translation>Chairs / rooms</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="74"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="75"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="76"/>
        <location filename="../../ui/pages/admin_page.py" line="115"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="76"/>
        <location filename="../../ui/pages/admin_page.py" line="106"/>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="76"/>
        <location filename="../../ui/pages/admin_page.py" line="100"/>
        <source>停用</source>
        <translation>Inactive</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="83"/>
        <source>新增椅位</source>
        <translation>Add chair</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="102"/>
        <source>已锁定至 {0}</source>
        <translation>Locked until {0}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="105"/>
        <source>待改密码</source>
        <translation>New password due</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="109"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="110"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="111"/>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="112"/>
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="112"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="113"/>
        <source>颜色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="117"/>
        <source>最近登录</source>
        <translation>Last sign-in</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="134"/>
        <source>请先在表格中选择一位员工。</source>
        <translation>Select a staff member in the table first.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="161"/>
        <source>{0} 的密码已重置，账号锁定已解除。下次登录时需要设置新密码。</source>
        <translation>{0}&apos;s password was reset and any lockout lifted. They must choose a new password at their next sign-in.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="176"/>
        <source>{0} 下次登录时已经需要设置新密码。取消这个要求吗？</source>
        <translation>{0} must already choose a new password at the next sign-in. Lift that requirement?</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="183"/>
        <source>{0} 下次登录时需要先设置新密码。</source>
        <translation>{0} must choose a new password at the next sign-in.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="184"/>
        <source>已取消：{0} 下次登录时不必修改密码。</source>
        <translation>Lifted: {0} need not change their password at the next sign-in.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="163"/>
        <source>{0} 的密码已重置，账号锁定已解除。</source>
        <translation>{0}&apos;s password was reset and any lock was lifted.</translation>
    </message>
</context>
<context>
    <name>AppointmentTab</name>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="179"/>
        <source>时间</source>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="195"/>
        <source>预约统计 {period}</source>
        <translation>Appointments {period}</translation>
    </message>
</context>
<context>
    <name>AttachmentsFolderDialog</name>
    <message>
        <location filename="../../ui/dialogs/attachments_folder_dialog.py" line="19"/>
        <source>附件文件夹</source>
        <translation>Attachments folder</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/attachments_folder_dialog.py" line="22"/>
        <source>共享的附件文件夹</source>
        <translation>Shared attachments folder</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/attachments_folder_dialog.py" line="23"/>
        <source>X 光片、照片和扫描件保存在各工作站都能访问的文件夹里（例如文件服务器的共享文件夹）。每台工作站都要能用同一路径打开它。</source>
        <translation>X-rays, photos and scans are kept in a folder every workstation reaches (a file server&apos;s share, say). Every workstation must open it by the same path.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/attachments_folder_dialog.py" line="26"/>
        <source>例如 \\fileserver\clinic\attachments</source>
        <translation>e.g. \\fileserver\clinic\attachments</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/attachments_folder_dialog.py" line="27"/>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/attachments_folder_dialog.py" line="33"/>
        <source>更换文件夹不会移动已有的附件：请先把原文件夹里的内容复制过去。</source>
        <translation>Changing the folder does not move the attachments already stored: copy the old folder&apos;s contents over first.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/attachments_folder_dialog.py" line="36"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/attachments_folder_dialog.py" line="41"/>
        <source>选择共享文件夹</source>
        <translation>Choose the shared folder</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="53"/>
        <location filename="../../ui/pages/audit_page.py" line="310"/>
        <source>审计日志</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="54"/>
        <source>每一次修改和每一次查看患者档案都会记录在这里，记录之间以哈希链相连，无法悄悄改动。</source>
        <translation>Every change and every opening of a patient record is recorded here; entries are hash-chained so they cannot be altered unnoticed.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="58"/>
        <source>在结果中查找：用户、操作、患者或摘要</source>
        <translation>Find in results: user, action, patient or summary</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="61"/>
        <source>导出 Excel…</source>
        <translation>Export to Excel…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="63"/>
        <source>校验哈希链</source>
        <translation>Verify hash chain</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="78"/>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="80"/>
        <location filename="../../ui/pages/audit_page.py" line="149"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="82"/>
        <source>用户</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="83"/>
        <location filename="../../ui/pages/audit_page.py" line="151"/>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="84"/>
        <location filename="../../ui/pages/audit_page.py" line="150"/>
        <source>患者</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="85"/>
        <source>对象</source>
        <translation>Object</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="86"/>
        <source>摘要</source>
        <translation>Summary</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="111"/>
        <source>全部时间</source>
        <translation>Any time</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="111"/>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="112"/>
        <source>最近 7 天</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="112"/>
        <source>最近 30 天</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="113"/>
        <source>指定日期…</source>
        <translation>Dates…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="132"/>
        <source>病历号、姓名或手机号</source>
        <translation>Record no., name or mobile</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="138"/>
        <source>全部操作</source>
        <translation>All actions</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="146"/>
        <source>清除筛选</source>
        <translation>Clear filters</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="150"/>
        <source>人员</source>
        <translation>Person</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="174"/>
        <source>全部人员</source>
        <translation>Everyone</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="176"/>
        <source>{0}（{1}）</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="178"/>
        <source>系统（自动任务）</source>
        <translation>System (automatic)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="229"/>
        <source>结束日期早于开始日期。</source>
        <translation>The end date is before the start date.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="238"/>
        <source>显示最新的 {0} 条。缩小时间、人员、患者或操作的范围可看到更早的记录；导出 Excel 包含全部符合条件的记录。</source>
        <translation>Showing the newest {0} entries. Narrow the time, person, patient or action to see older ones; the Excel export holds every matching entry.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="241"/>
        <source>共 {0} 条记录。</source>
        <translation>{0} entries.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="252"/>
        <source>审计日志-{0}.xlsx</source>
        <translation>audit-log-{0}.xlsx</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="253"/>
        <source>导出审计日志</source>
        <translation>Export the audit log</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="262"/>
        <source>已导出 {0} 条记录：{1}</source>
        <translation>Exported {0} entries: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="266"/>
        <source>已取消导出。</source>
        <translation>Export cancelled.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="276"/>
        <source>正在导出审计日志…</source>
        <translation>Exporting the audit log…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="282"/>
        <source>正在校验…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="297"/>
        <source>✔ 哈希链完整（{0} 条记录）</source>
        <translation>✔ Hash chain intact ({0} entries)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="300"/>
        <source>✘ 第 {0} 条记录被改动</source>
        <translation>✘ Entry {0} was altered</translation>
    </message>
    <message>
        <location filename="../../ui/pages/audit_page.py" line="302"/>
        <source>✘ 发现问题</source>
        <translation>✘ Problems found</translation>
    </message>
</context>
<context>
    <name>AutoMessagesDialog</name>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="36"/>
        <source>自动消息</source>
        <translation>Automatic messages</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="50"/>
        <source>收到自动提醒和生日祝福的患者，不再生成对应的电话回访；无法发送的患者（未同意、已拒收、没有手机号或邮箱）照旧生成回访任务。</source>
        <translation>Patients who get automatic reminders and birthday greetings get no call task for them; patients the app cannot message (no consent, refused, no mobile or e-mail) keep their call tasks.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="54"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="60"/>
        <source>自动发送</source>
        <translation>Sent automatically</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="62"/>
        <source>消息</source>
        <translation>Message</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="63"/>
        <source>模板</source>
        <translation>Template</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="65"/>
        <source>预约或改约后立即</source>
        <translation>Right after booking or moving</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="66"/>
        <source>前一天 {0}，就诊前 {1} 小时</source>
        <translation>The day before at {0}, {1} h before the visit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="67"/>
        <source>随访计划中“消息”步骤到期时</source>
        <translation>When a care plan&apos;s “message” step is due</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="68"/>
        <source>复查到期前几天（见右侧）</source>
        <translation>Days before a recall is due (right)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="69"/>
        <source>生日当天（需同意营销消息）</source>
        <translation>On the birthday (marketing consent)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="70"/>
        <source>所选节日当天（需同意营销消息）</source>
        <translation>On chosen festivals (marketing consent)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="71"/>
        <source>就诊后几小时（见右侧）</source>
        <translation>Hours after the visit (right)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="95"/>
        <source>发送规则</source>
        <translation>Sending rules</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="98"/>
        <source>短信（自动发出）</source>
        <translation>SMS (sent automatically)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="99"/>
        <source>邮件（自动发出）</source>
        <translation>E-mail (sent automatically)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="100"/>
        <source>微信（放入待发，前台复制发送）</source>
        <translation>WeChat (queued; the desk copies it)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="102"/>
        <source>收不到时改发邮件（有邮箱且同意邮件的患者）</source>
        <translation>Unreachable: send e-mail instead</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="105"/>
        <source>没有手机号、不接收短信或微信的患者，如果档案里有邮箱并同意接收邮件，就发邮件。</source>
        <translation>Patients without a mobile, or who declined SMS or WeChat, get an e-mail when an address is on file and they agreed to e-mail.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="112"/>
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="116"/>
        <source>渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="118"/>
        <source>安静时段（不发送）</source>
        <translation>Quiet hours (no sending)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="119"/>
        <source>生日、节日发送时间</source>
        <translation>Birthday/festival time</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="121"/>
        <source>复查通知提前天数</source>
        <translation>Recall notice days ahead</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="122"/>
        <source>就诊后几小时发回访</source>
        <translation>Survey hours after visit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="123"/>
        <source>每天最多自动发送</source>
        <translation>Daily cap</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="124"/>
        <source>每分钟最多（服务商限速）</source>
        <translation>Per minute (provider limit)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/auto_messages_dialog.py" line="139"/>
        <source>节日问候</source>
        <translation>Festival greetings</translation>
    </message>
</context>
<context>
    <name>BackupDialog</name>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="58"/>
        <location filename="../../ui/dialogs/backup_dialog.py" line="60"/>
        <location filename="../../ui/dialogs/backup_dialog.py" line="167"/>
        <source>数据备份</source>
        <translation>Backups</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="61"/>
        <source>每天在设定时间和退出程序时自动备份数据库和附件；每份备份都会重新打开校验。建议另设一个 U 盘或网络共享文件夹作为第二备份位置。</source>
        <translation>The database and attachments are backed up every day at the set time and when the app closes; every backup is reopened and verified. Set a USB disk or network share as a second folder.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="71"/>
        <source>每天自动备份，退出程序时也备份</source>
        <translation>Back up daily and when the app closes</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="79"/>
        <source>不设置</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="80"/>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="87"/>
        <source>每日</source>
        <translation>Daily</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="87"/>
        <source>每周</source>
        <translation>Weekly</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="88"/>
        <source>每月</source>
        <translation>Monthly</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="97"/>
        <source>每天备份时间</source>
        <translation>Daily backup at</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="98"/>
        <source>备份位置</source>
        <translation>Backup folder</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="99"/>
        <source>第二备份位置</source>
        <translation>Second folder</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="100"/>
        <source>保留份数</source>
        <translation>Keep</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="108"/>
        <source>立即备份</source>
        <translation>Back up now</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="110"/>
        <source>恢复…</source>
        <translation>Restore…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="116"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="116"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="123"/>
        <source>还没有备份。</source>
        <translation>No backups yet.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="125"/>
        <source>上次备份：{0}，已校验无误。</source>
        <translation>Last backup: {0}, verified.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="128"/>
        <source>上次备份 {0} 有问题：{1}</source>
        <translation>Last backup {0} had problems: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="136"/>
        <source>选择第二备份位置</source>
        <translation>Choose the second backup folder</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="171"/>
        <source>正在备份</source>
        <translation>Backing up</translation>
    </message>
</context>
<context>
    <name>BackupStatusLabel</name>
    <message>
        <location filename="../../ui/widgets/backup_status.py" line="31"/>
        <source>⚠ 上次备份失败（{0}）</source>
        <translation>⚠ Last backup failed ({0})</translation>
    </message>
</context>
<context>
    <name>BookingDialog</name>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="78"/>
        <location filename="../../ui/calendar/booking_dialog.py" line="150"/>
        <location filename="../../ui/calendar/booking_dialog.py" line="196"/>
        <source>预约</source>
        <translation>Book</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="91"/>
        <source>新患者姓名</source>
        <translation>New patient&apos;s name</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="93"/>
        <source>手机号</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="95"/>
        <location filename="../../ui/calendar/booking_dialog.py" line="107"/>
        <source>（不指定）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="98"/>
        <source>{0}（{1} 分钟）</source>
        <translation>{0} ({1} min)</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="118"/>
        <source> 分钟</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="171"/>
        <source>患者</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="179"/>
        <source>男</source>
        <translation>M</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="179"/>
        <source>女</source>
        <translation>F</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="188"/>
        <source>或新建</source>
        <translation>Or new</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="205"/>
        <source>项目</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="205"/>
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="206"/>
        <source>椅位</source>
        <translation>Chair</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="206"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="215"/>
        <source>{0} 岁</source>
        <translation>{0} y</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="236"/>
        <source>这位患者还没有介绍人：选好后随预约一起记下（可留空）</source>
        <translation>No referrer on file yet: one chosen here is saved with the booking (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="238"/>
        <source>转介绍来的患者：请选择介绍人（不清楚可留空）</source>
        <translation>Came by referral: choose the referrer (may be left blank)</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="326"/>
        <source>{0} 请在左侧的结果中选择这位患者。</source>
        <translation>{0} Choose this patient in the results on the left.</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="203"/>
        <source>渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="207"/>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_dialog.py" line="301"/>
        <source>请搜索并选择患者，或填写新患者的姓名和手机号。</source>
        <translation>Search for and select the patient, or enter a new patient&apos;s name and mobile.</translation>
    </message>
</context>
<context>
    <name>CalendarCanvas</name>
    <message>
        <location filename="../../ui/calendar/canvas.py" line="461"/>
        <source>会员：{0}</source>
        <translation>Member: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/canvas.py" line="464"/>
        <source>⚠ 有过敏史</source>
        <translation>⚠ Has allergies</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/canvas.py" line="315"/>
        <location filename="../../ui/calendar/canvas.py" line="467"/>
        <source>加号：{0}</source>
        <translation>Override: {0}</translation>
    </message>
</context>
<context>
    <name>CalendarPage</name>
    <message>
        <location filename="../../ui/calendar/page.py" line="89"/>
        <location filename="../../ui/calendar/page.py" line="480"/>
        <source>预约</source>
        <translation>Appointments</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="90"/>
        <source>双击或拖选空白处预约；拖动预约改时间，拖下边缘改时长；右键改状态。</source>
        <translation>Double-click or drag over free time to book; drag a booking to move it, its lower edge to resize; right-click to change status.</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="92"/>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="94"/>
        <source>上一天/上一周（PageUp）</source>
        <translation>Previous day/week (PageUp)</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="96"/>
        <source>下一天/下一周（PageDown）</source>
        <translation>Next day/week (PageDown)</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="101"/>
        <source>日视图</source>
        <translation>Day</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="102"/>
        <source>周视图</source>
        <translation>Week</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="104"/>
        <source>按医生</source>
        <translation>By doctor</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="105"/>
        <source>按椅位</source>
        <translation>By chair</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="110"/>
        <source>{0} 分钟</source>
        <translation>{0} min</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="119"/>
        <source>新预约</source>
        <translation>New booking</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="121"/>
        <source>在当前医生的下一个空档预约（Ctrl+N）</source>
        <translation>Book the next free slot of the doctors shown (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="124"/>
        <source>更多…</source>
        <translation>More…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="126"/>
        <source>候补名单…</source>
        <translation>Waitlist…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="127"/>
        <source>打印日程…</source>
        <translation>Print day sheet…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="128"/>
        <source>日程另存为 PDF…</source>
        <translation>Save day sheet as PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="130"/>
        <source>请假 / 停诊…</source>
        <translation>Time off…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="131"/>
        <source>出诊时间…</source>
        <translation>Working hours…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="132"/>
        <source>显示/隐藏医生…</source>
        <translation>Show/hide doctors…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="243"/>
        <source>全部医生</source>
        <translation>All doctors</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="274"/>
        <location filename="../../ui/calendar/page.py" line="289"/>
        <source>共 {0} 个预约</source>
        <translation>{0} appointments</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="354"/>
        <source>不能改到这个时间</source>
        <translation>Cannot move there</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="371"/>
        <source>标记为 {0}</source>
        <translation>Mark as {0}</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="374"/>
        <source>撤销爽约（改回已预约）</source>
        <translation>Undo no-show (back to booked)</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="377"/>
        <source>完成就诊并记账…</source>
        <translation>Complete visit and charge…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="379"/>
        <source>改约…</source>
        <translation>Reschedule…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="380"/>
        <source>加入候补（希望提前）…</source>
        <translation>Add to waitlist (wants earlier)…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="383"/>
        <source>取消预约…</source>
        <translation>Cancel appointment…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="385"/>
        <source>打开患者档案</source>
        <translation>Open patient record</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="386"/>
        <location filename="../../ui/calendar/page.py" line="428"/>
        <source>预约历史</source>
        <translation>Appointment history</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="388"/>
        <source>显示完整号码</source>
        <translation>Show full number</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="395"/>
        <source>完整号码</source>
        <translation>Full number</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="438"/>
        <source>{0} {1} 至 {2} 请假，这段时间里还有 {3} 个预约。</source>
        <translation>{0} is off from {1} to {2}; {3} bookings fall in that time.</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/page.py" line="469"/>
        <source>日程另存为 PDF</source>
        <translation>Save day sheet as PDF</translation>
    </message>
</context>
<context>
    <name>CalendarWeek</name>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="40"/>
        <source>周一</source>
        <translation>Mon</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="40"/>
        <source>周二</source>
        <translation>Tue</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="41"/>
        <source>周三</source>
        <translation>Wed</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="41"/>
        <source>周四</source>
        <translation>Thu</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="42"/>
        <source>周五</source>
        <translation>Fri</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="42"/>
        <source>周六</source>
        <translation>Sat</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="43"/>
        <source>周日</source>
        <translation>Sun</translation>
    </message>
</context>
<context>
    <name>CallbacksPage</name>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="71"/>
        <location filename="../../ui/pages/callbacks_page.py" line="381"/>
        <location filename="../../ui/pages/callbacks_page.py" line="402"/>
        <location filename="../../ui/pages/callbacks_page.py" line="499"/>
        <source>回访</source>
        <translation>Callbacks</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="72"/>
        <source>今天到期和逾期的回访、复查、提醒。选中一行，点一下结果即可记录。</source>
        <translation>Today&apos;s and overdue callbacks, recalls and reminders. Select a row, then click the outcome.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="78"/>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="82"/>
        <source>全部负责人</source>
        <translation>Everyone</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="87"/>
        <source>全部优先级</source>
        <translation>All priorities</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="91"/>
        <source>任何人</source>
        <translation>Anyone</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="92"/>
        <source>指派给我</source>
        <translation>Assigned to me</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="94"/>
        <source>全部医生</source>
        <translation>All doctors</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="242"/>
        <source>全部计划</source>
        <translation>All plans</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="101"/>
        <source>按家庭分组</source>
        <translation>Group by family</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="102"/>
        <source>同一家人本周都要回访时排在一起，一个电话就能问完。</source>
        <translation>Members of one family due together are listed together, so one call covers them.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="104"/>
        <source>筛选：患者、电话、事由、医生</source>
        <translation>Filter: patient, phone, reason, doctor</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="112"/>
        <source>导出 Excel…</source>
        <translation>Export to Excel…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="115"/>
        <source>截至</source>
        <translation>As of</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="140"/>
        <source>到期</source>
        <translation>Due</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="146"/>
        <source>患者</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="149"/>
        <source>年龄</source>
        <translation>Age</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="150"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="152"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="153"/>
        <source>事由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="154"/>
        <source>项目</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="83"/>
        <location filename="../../ui/pages/callbacks_page.py" line="155"/>
        <location filename="../../ui/pages/callbacks_page.py" line="384"/>
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="143"/>
        <source>逾期天数</source>
        <translation>Days late</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="148"/>
        <source>会员</source>
        <translation>Member</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="156"/>
        <source>已拨打</source>
        <translation>Calls</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="158"/>
        <source>上次结果</source>
        <translation>Last outcome</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="160"/>
        <source>家庭</source>
        <translation>Family</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="160"/>
        <source>同家庭 {0} 人</source>
        <translation>{0} in family</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="176"/>
        <source>通话备注（可选）</source>
        <translation>Call note (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="178"/>
        <source>满意度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="185"/>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="196"/>
        <source>明天再打</source>
        <translation>Call tomorrow</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="198"/>
        <source>可多选：所选各项都推到明天上午</source>
        <translation>Works on several rows: all selected move to tomorrow morning</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="199"/>
        <source>发消息…</source>
        <translation>Message…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="201"/>
        <source>按任务类型选好模板；手动渠道可直接复制并标记已发送</source>
        <translation>The template follows the task&apos;s kind; for the manual channel, copy and mark sent at once</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="203"/>
        <source>转交…</source>
        <translation>Hand over…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="245"/>
        <source>{0}（已停用）</source>
        <translation>{0} (retired)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="321"/>
        <source>{0} 项</source>
        <translation>{0} items</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="371"/>
        <source>已复制给 {0} 的消息并标记为已发送</source>
        <translation>Copied the message for {0} and marked it sent</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="373"/>
        <source>已放入待发送：给 {0} 的消息（{1}）</source>
        <translation>Queued: message for {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="375"/>
        <source>已在待发送中：给 {0} 的这条消息（{1}）</source>
        <translation>Already queued: this message for {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="381"/>
        <location filename="../../ui/pages/callbacks_page.py" line="402"/>
        <source>请先在列表中选择一项。</source>
        <translation>Select an item in the list first.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="493"/>
        <source>正在导出</source>
        <translation>Exporting</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="494"/>
        <source>已导出 {0} 项到 {1}</source>
        <translation>Exported {0} items to {1}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="83"/>
        <location filename="../../ui/pages/callbacks_page.py" line="384"/>
        <source>护士</source>
        <translation>Nurse</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="84"/>
        <location filename="../../ui/pages/callbacks_page.py" line="385"/>
        <source>前台</source>
        <translation>Receptionist</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="388"/>
        <source>转交</source>
        <translation>Hand over</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="389"/>
        <source>把所选 {0} 项转交给：</source>
        <translation>Hand the {0} selected items to:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="397"/>
        <source>已把 {0} 项转交给 {1}。</source>
        <translation>Handed {0} items over to {1}.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="429"/>
        <source>{0}：{1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="465"/>
        <source>已把 {0} 项推到明天 09:00。</source>
        <translation>Moved {0} items to tomorrow 09:00.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="466"/>
        <source>已把 {0} 项推到明天 09:00；{1} 项已被他人处理。</source>
        <translation>Moved {0} items to tomorrow 09:00; {1} had been handled by someone else.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="475"/>
        <source>正在推迟</source>
        <translation>Postponing</translation>
    </message>
    <message>
        <location filename="../../ui/pages/callbacks_page.py" line="485"/>
        <source>导出回访清单</source>
        <translation>Export callback list</translation>
    </message>
</context>
<context>
    <name>CampaignDialog</name>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="46"/>
        <source>新建营销活动</source>
        <translation>New campaign</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="49"/>
        <source>分群：{0}（{1} 人）</source>
        <translation>Segment: {0} ({1} patients)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="55"/>
        <source>回访任务</source>
        <translation>Callback tasks</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="55"/>
        <source>发送消息</source>
        <translation>Message</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="56"/>
        <source>发优惠券</source>
        <translation>Coupon</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="56"/>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="148"/>
        <source>导出名单</source>
        <translation>Export list</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="61"/>
        <source>老患者回访</source>
        <translation>Returning-patient call</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="67"/>
        <source>护士</source>
        <translation>Nurse</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="67"/>
        <source>前台</source>
        <translation>Reception</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="68"/>
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="71"/>
        <source>高</source>
        <translation>High</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="71"/>
        <source>普通</source>
        <translation>Normal</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="71"/>
        <source>低</source>
        <translation>Low</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="74"/>
        <source>同一家庭只建一个任务</source>
        <translation>One task per family</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="77"/>
        <source>回访事由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="78"/>
        <source>到期日</source>
        <translation>Due</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="79"/>
        <source>交给</source>
        <translation>Assign to</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="80"/>
        <source>优先级</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="88"/>
        <source>手动发送（复制到微信或电话告知）</source>
        <translation>By hand (WeChat or phone)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="89"/>
        <source>短信</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="90"/>
        <source>邮件</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="93"/>
        <source>消息模板</source>
        <translation>Template</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="94"/>
        <source>发送渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="95"/>
        <source>已登记拒收消息或没有联系方式的患者会被跳过。</source>
        <translation>Patients who opted out or have no contact are skipped.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="103"/>
        <source>优惠券类型</source>
        <translation>Coupon type</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="107"/>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="124"/>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="127"/>
        <source>活动名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="128"/>
        <source>执行方式</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="130"/>
        <source>对照组（不执行）</source>
        <translation>Hold-out</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="131"/>
        <source>效果观察期</source>
        <translation>Result window</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="139"/>
        <source>开始活动</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/campaign_dialog.py" line="144"/>
        <source>将对 {0} 人执行，{1} 人留作对照组（随机选出，不做任何动作），用于比较活动效果。</source>
        <translation>{0} patients will be acted on; {1} are held out at random (left untouched) to measure the effect.</translation>
    </message>
</context>
<context>
    <name>CancelDialog</name>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="121"/>
        <location filename="../../ui/calendar/dialogs.py" line="127"/>
        <source>取消预约</source>
        <translation>Cancel appointment</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="124"/>
        <source>例如：患者出差，改约下周</source>
        <translation>e.g. patient travelling, rebook next week</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="125"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
</context>
<context>
    <name>CareMonitor</name>
    <message>
        <location filename="../../ui/care_monitor.py" line="58"/>
        <source>回访提醒</source>
        <translation>Callbacks due</translation>
    </message>
    <message>
        <location filename="../../ui/care_monitor.py" line="59"/>
        <source>有 {0} 个新的回访任务到期。</source>
        <translation>{0} new callbacks are due.</translation>
    </message>
</context>
<context>
    <name>CarePlansPage</name>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="58"/>
        <location filename="../../ui/pages/care_plans_page.py" line="289"/>
        <source>随访计划</source>
        <translation>Care plans</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="87"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="88"/>
        <source>触发项目</source>
        <translation>Started by</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="109"/>
        <source>加一步</source>
        <translation>Add step</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="109"/>
        <source>删除所选步骤</source>
        <translation>Remove step</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="59"/>
        <source>治疗完成后按计划生成回访和复查任务。停用的计划不再生成新任务，已生成的保留。</source>
        <translation>A completed treatment creates its plan&apos;s calls and recalls. A retired plan creates no new tasks; those it created stay.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="66"/>
        <source>新建…</source>
        <translation>New…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="68"/>
        <source>复制</source>
        <translation>Duplicate</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="69"/>
        <source>复制步骤到一个新计划（不带触发项目）</source>
        <translation>Copy the steps into a new plan (without the trigger procedures)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="71"/>
        <location filename="../../ui/pages/care_plans_page.py" line="208"/>
        <source>停用</source>
        <translation>Retire</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="82"/>
        <source>选择项目…</source>
        <translation>Choose procedures…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="94"/>
        <source>最后一步之后每隔</source>
        <translation>After the last step, every</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="100"/>
        <source>重复一次，直到治疗后</source>
        <translation>again, until</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="101"/>
        <source>年</source>
        <translation>years after the treatment</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="116"/>
        <source>保存计划</source>
        <translation>Save plan</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="120"/>
        <source>回访设置…</source>
        <translation>Callback settings…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="122"/>
        <source>示例治疗日</source>
        <translation>Sample treatment day</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="152"/>
        <source>{0}（已停用）</source>
        <translation>{0} (retired)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="154"/>
        <source>{0} 个未完成的任务</source>
        <translation>{0} open tasks</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="174"/>
        <source>新建随访计划</source>
        <translation>New care plan</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="174"/>
        <source>计划名称：</source>
        <translation>Plan name:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="196"/>
        <source>停用随访计划</source>
        <translation>Retire care plan</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="197"/>
        <source>停用“{0}”？
之后完成的治疗不再生成它的任务；已生成的 {1} 个未完成任务仍留在回访清单里。停用后可以恢复。</source>
        <translation>Retire &quot;{0}&quot;?
Treatments completed from now on will not create its tasks; the {1} open tasks it already created stay on the callback list. A retired plan can be restored.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="208"/>
        <source>恢复启用</source>
        <translation>Restore</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="236"/>
        <source>“{0}”类的任何项目</source>
        <translation>Any procedure in &quot;{0}&quot;</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="238"/>
        <source>未选择：这个计划不会自动生成任务</source>
        <translation>None chosen: this plan creates no tasks</translation>
    </message>
</context>
<context>
    <name>CareSettingsDialog</name>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="299"/>
        <source>回访设置</source>
        <translation>Callback settings</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="303"/>
        <source>就诊前几小时再提醒</source>
        <translation>Second reminder, hours before</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="304"/>
        <source>未接通后几小时再打</source>
        <translation>Retry after (hours)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="305"/>
        <source>最多拨打次数</source>
        <translation>Most call attempts</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="306"/>
        <source>生日提前几天问候</source>
        <translation>Birthday greeting, days before</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="307"/>
        <source>几个月未到诊算久未到诊</source>
        <translation>Months without a visit before a win-back</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="308"/>
        <source>每天最多新增唤醒回访</source>
        <translation>New win-backs per day, at most</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="309"/>
        <source>前一天提醒时间</source>
        <translation>Evening-before reminder at</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plans_page.py" line="317"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>CareTab</name>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="44"/>
        <source>应回访</source>
        <translation>Calls due</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="44"/>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="76"/>
        <source>已回访</source>
        <translation>Calls made</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="44"/>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="77"/>
        <source>已接通</source>
        <translation>Reached</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="44"/>
        <source>回访预约</source>
        <translation>Booked</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="45"/>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="79"/>
        <source>应复查</source>
        <translation>Recalls due</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="45"/>
        <source>复查已预约</source>
        <translation>Recalls booked</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="48"/>
        <source>回访与复查</source>
        <translation>Callbacks and recalls</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="59"/>
        <source>有短信提醒的预约爽约</source>
        <translation>No-shows, reminded</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="61"/>
        <source>未提醒的预约爽约</source>
        <translation>No-shows, not reminded</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="63"/>
        <source>复查通知后 30 天内预约</source>
        <translation>Booked ≤30 d after a recall notice</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="72"/>
        <source>{score} 分（{n} 条）</source>
        <translation>{score} ({n} ratings)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="75"/>
        <source>应回访（到期电话任务）</source>
        <translation>Callbacks due</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="78"/>
        <source>回访促成预约</source>
        <translation>Bookings from callbacks</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="80"/>
        <source>按时预约复查</source>
        <translation>Recalls booked in time</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="81"/>
        <source>复查依从率</source>
        <translation>Recall compliance</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="82"/>
        <source>平均满意度</source>
        <translation>Average satisfaction</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="83"/>
        <source>新投诉</source>
        <translation>New complaints</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="84"/>
        <source>其中未解决</source>
        <translation>Of which open</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="85"/>
        <source>当前未解决投诉</source>
        <translation>Complaints open now</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="88"/>
        <source>回访与满意度</source>
        <translation>Care and satisfaction</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="89"/>
        <source>指标</source>
        <translation>Measure</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/care_tab.py" line="89"/>
        <source>数值</source>
        <translation>Value</translation>
    </message>
</context>
<context>
    <name>ChairDialog</name>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="202"/>
        <source>编辑椅位</source>
        <translation>Edit chair</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="202"/>
        <source>新增椅位</source>
        <translation>Add chair</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="208"/>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="210"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="211"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="217"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="29"/>
        <source>修改密码</source>
        <translation>Change password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="33"/>
        <source>原密码</source>
        <translation>Current password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="34"/>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="36"/>
        <source>确认新密码</source>
        <translation>Confirm new password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="41"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="45"/>
        <source>两次输入的新密码不一致。</source>
        <translation>The two new passwords do not match.</translation>
    </message>
</context>
<context>
    <name>ChannelsDialog</name>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="313"/>
        <source>消息渠道</source>
        <translation>Message channels</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="316"/>
        <source>例如 smtp.exmail.qq.com</source>
        <translation>e.g. smtp.exmail.qq.com</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="323"/>
        <source>无加密（仅本机）</source>
        <translation>No encryption (this computer only)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="330"/>
        <source>可选：诊所自建服务器的 CA 证书（PEM）</source>
        <translation>Optional: CA certificate of the clinic&apos;s own server (PEM)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="331"/>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="340"/>
        <source>留空则不修改</source>
        <translation>leave empty to keep</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="356"/>
        <source>邮件</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="357"/>
        <source>短信</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="358"/>
        <source>短信模板对应</source>
        <translation>SMS templates</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="362"/>
        <source>只在本次运行中记住密码和令牌</source>
        <translation>Remember password and token for this run only</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="365"/>
        <source>密码和令牌保存在系统钥匙串中，不写入文件或数据库。</source>
        <translation>Passwords and tokens are kept in the system keyring, never in files or the database.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="366"/>
        <source>这台电脑没有可用的系统钥匙串：密码和令牌只能在本次运行中记住，下次启动需要重新填写。</source>
        <translation>This computer has no system keyring: passwords and tokens can only be kept for this run and must be entered again next time.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="343"/>
        <source>SMTP 服务器</source>
        <translation>SMTP server</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="343"/>
        <source>端口</source>
        <translation>Port</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="344"/>
        <source>加密方式</source>
        <translation>Security</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="345"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="345"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="346"/>
        <source>发件人</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="370"/>
        <source>CA 证书文件</source>
        <translation>CA certificate file</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="379"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="397"/>
        <source>选择 CA 证书文件</source>
        <translation>Choose the CA certificate file</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="398"/>
        <source>证书 (*.pem *.crt *.cer);;所有文件 (*)</source>
        <translation>Certificates (*.pem *.crt *.cer);;All files (*)</translation>
    </message>
</context>
<context>
    <name>ClinicDialog</name>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="104"/>
        <source>诊所信息</source>
        <translation>Clinic information</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="115"/>
        <source>诊所名称</source>
        <translation>Clinic name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="116"/>
        <source>时区</source>
        <translation>Time zone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="117"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="118"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="123"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>ColourPicker</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/fields.py" line="282"/>
        <source>选择其他颜色…</source>
        <translation>Choose another colour…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/fields.py" line="307"/>
        <source>选择等级颜色</source>
        <translation>Tier colour</translation>
    </message>
</context>
<context>
    <name>ColumnsDialog</name>
    <message>
        <location filename="../../ui/calendar/columns_dialog.py" line="16"/>
        <source>显示/隐藏医生</source>
        <translation>Show/hide doctors</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/columns_dialog.py" line="27"/>
        <source>上移</source>
        <translation>Move up</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/columns_dialog.py" line="27"/>
        <source>下移</source>
        <translation>Move down</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/columns_dialog.py" line="34"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>CommissionDialog</name>
    <message>
        <location filename="../../ui/dialogs/commission_dialog.py" line="29"/>
        <source>提成比例</source>
        <translation>Commission rates</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/commission_dialog.py" line="31"/>
        <source>按类别设置医生提成占营业额的百分比；留空的类别按默认比例计算。</source>
        <translation>Doctors&apos; commission as a percentage of each category&apos;s revenue; an empty box uses the default.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/commission_dialog.py" line="37"/>
        <source>默认比例（%）</source>
        <translation>Default (%)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/commission_dialog.py" line="48"/>
        <source>默认</source>
        <translation>Default</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/commission_dialog.py" line="59"/>
        <source>各类别（%）</source>
        <translation>By category (%)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/commission_dialog.py" line="62"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>ComplaintsTab</name>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="79"/>
        <source>未解决</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="79"/>
        <source>已解决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="80"/>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="83"/>
        <source>处理…</source>
        <translation>Resolve…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="84"/>
        <source>打开患者</source>
        <translation>Open patient</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="87"/>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="102"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="94"/>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="95"/>
        <source>编号</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="96"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="97"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="98"/>
        <source>满意度</source>
        <translation>Score</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="100"/>
        <source>投诉内容</source>
        <translation>Complaint</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="103"/>
        <source>处理结果</source>
        <translation>Resolution</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="136"/>
        <source>共 {n} 条</source>
        <translation>{n} in all</translation>
    </message>
</context>
<context>
    <name>CompleteVisitDialog</name>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="60"/>
        <source>完成就诊：{0}</source>
        <translation>Complete visit: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="65"/>
        <source>项目</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="65"/>
        <source>牙位/部位</source>
        <translation>Tooth / site</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="65"/>
        <source>金额（元）</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="89"/>
        <source>病历摘要</source>
        <translation>Clinical summary</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="91"/>
        <source>完成后立即收款（会员折扣、优惠券、积分、储值）</source>
        <translation>Take the payment next (tier discount, coupons, points, card)</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="96"/>
        <source>完成并记账</source>
        <translation>Complete and charge</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="106"/>
        <source>金额“{0}”不是数字。</source>
        <translation>The amount &quot;{0}&quot; is not a number.</translation>
    </message>
</context>
<context>
    <name>ConflictLine</name>
    <message>
        <location filename="../../ui/calendar/booking_parts.py" line="94"/>
        <source>加号原因（有冲突仍要预约时填写）</source>
        <translation>Reason to overbook (to book despite the conflict)</translation>
    </message>
</context>
<context>
    <name>ConsentDialog</name>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="49"/>
        <source>消息偏好</source>
        <translation>Message preferences</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="55"/>
        <location filename="../../ui/dialogs/consent_dialog.py" line="99"/>
        <source>渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="57"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="58"/>
        <source>已拒收</source>
        <translation>refused</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="58"/>
        <source>未拒收</source>
        <translation>not refused</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="60"/>
        <source>登记时间</source>
        <translation>Recorded</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="63"/>
        <location filename="../../ui/dialogs/consent_dialog.py" line="101"/>
        <source>方式</source>
        <translation>How</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="64"/>
        <location filename="../../ui/dialogs/consent_dialog.py" line="102"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="75"/>
        <source>预约确认、提醒和术后关怀无需事先同意，但患者拒收的渠道不发；节日、生日和活动消息只发给同意该渠道的患者。</source>
        <translation>Confirmations, reminders and aftercare need no prior consent but never go on a refused channel; festival, birthday and campaign messages go only to patients who agreed to that channel.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="82"/>
        <source>同意接收</source>
        <translation>Agrees</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="82"/>
        <source>拒收</source>
        <translation>Refuses</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="97"/>
        <source>例如：回复“TD”退订</source>
        <translation>e.g. replied &quot;TD&quot; to unsubscribe</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="100"/>
        <source>患者表示</source>
        <translation>The patient</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/consent_dialog.py" line="105"/>
        <source>登记</source>
        <translation>Record</translation>
    </message>
</context>
<context>
    <name>ContactDialog</name>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="93"/>
        <source>记录联系</source>
        <translation>Log contact</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="99"/>
        <source>我方联系患者</source>
        <translation>We contacted the patient</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="100"/>
        <source>患者来电/来访</source>
        <translation>Patient called / came in</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="104"/>
        <source>例如：已接通，恢复良好</source>
        <translation>e.g. reached, recovering well</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="105"/>
        <source>方式</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="106"/>
        <source>方向</source>
        <translation>Direction</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="107"/>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="108"/>
        <source>结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="110"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>ContactReveals</name>
    <message>
        <location filename="../../ui/widgets/contact_reveal.py" line="83"/>
        <source>右键或双击号码可显示完整号码（记入审计日志）</source>
        <translation>Right-click or double-click to show the full number (audited)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/contact_reveal.py" line="84"/>
        <source>右键可显示完整号码（记入审计日志）</source>
        <translation>Right-click to show the full number (audited)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/contact_reveal.py" line="116"/>
        <source>显示完整号码</source>
        <translation>Show full number</translation>
    </message>
</context>
<context>
    <name>CouponTypeDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="42"/>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="149"/>
        <source>减免金额</source>
        <translation>Amount off</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="43"/>
        <source>折扣</source>
        <translation>Percent off</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="44"/>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="109"/>
        <source>免费项目</source>
        <translation>Free procedure</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="52"/>
        <source>减 {0}</source>
        <translation>{0} off</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="54"/>
        <source>减 {0}%</source>
        <translation>{0}% off</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="57"/>
        <source>{0}（最多 {1}）</source>
        <translation>{0} (up to {1})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="59"/>
        <source>免费 {0}</source>
        <translation>Free {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="65"/>
        <source>编辑优惠券</source>
        <translation>Edit coupon</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="65"/>
        <source>新增优惠券</source>
        <translation>New coupon</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="70"/>
        <source>例如：满300减50</source>
        <translation>e.g. ¥50 off ¥300</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="82"/>
        <source>减免的百分比：八折填 20</source>
        <translation>Percent taken off: 20 for 20% off</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="92"/>
        <source>0 表示无门槛</source>
        <translation>0: no minimum</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="95"/>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="100"/>
        <source>可与其他优惠券同时使用</source>
        <translation>Can be combined with other coupons</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="102"/>
        <source>启用（可发放）</source>
        <translation>Active (can be issued)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="105"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="106"/>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="108"/>
        <source>减免比例</source>
        <translation>Percent off</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="110"/>
        <source>最低消费（元）</source>
        <translation>Minimum spend (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="111"/>
        <source>有效期</source>
        <translation>Valid for</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="114"/>
        <source>适用类别</source>
        <translation>Categories</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="117"/>
        <source>都不勾选：所有项目可用</source>
        <translation>None ticked: any procedure</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="130"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="139"/>
        <source>最多减免（元）</source>
        <translation>Cap (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="140"/>
        <source>留空表示不封顶</source>
        <translation>Blank: no cap</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="142"/>
        <source>减免金额（元）</source>
        <translation>Amount off (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="149"/>
        <source>最多减免</source>
        <translation>Cap</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/coupon_dialog.py" line="150"/>
        <source>最低消费</source>
        <translation>Minimum spend</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="24"/>
        <location filename="../../ui/dialogs/crash_dialog.py" line="27"/>
        <source>出错了</source>
        <translation>Something went wrong</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="31"/>
        <source>程序遇到了一个意外问题，刚才的操作可能没有完成。您可以继续使用，如果问题再次出现，请把下面的日志文件发给技术支持。</source>
        <translation>The program ran into an unexpected problem and the last action may not have finished. You can keep working; if it happens again, please send the log file below to support.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="36"/>
        <source>日志文件：{0}</source>
        <translation>Log file: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="36"/>
        <source>（未启用）</source>
        <translation>(not enabled)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="47"/>
        <location filename="../../ui/dialogs/crash_dialog.py" line="59"/>
        <source>显示详情</source>
        <translation>Show details</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="50"/>
        <source>复制详情</source>
        <translation>Copy details</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/crash_dialog.py" line="59"/>
        <source>隐藏详情</source>
        <translation>Hide details</translation>
    </message>
</context>
<context>
    <name>CustomFieldDialog</name>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="97"/>
        <source>新增自定义字段</source>
        <translation>Add custom field</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="103"/>
        <source>选项类型填写，用逗号分隔，例如：职工,居民,商业</source>
        <translation>For option fields, separate with commas, e.g. employee,resident,commercial</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="104"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="105"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="106"/>
        <source>选项</source>
        <translation>Options</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="108"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>DailyTab</name>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="107"/>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="117"/>
        <source>日结 {day}</source>
        <translation>Daily closing {day}</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="182"/>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="182"/>
        <source>本周</source>
        <translation>This week</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="182"/>
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="183"/>
        <source>本季度</source>
        <translation>This quarter</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="183"/>
        <source>本年</source>
        <translation>This year</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="183"/>
        <source>自定义</source>
        <translation>Custom</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="191"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="192"/>
        <location filename="../../ui/pages/dashboard_page.py" line="404"/>
        <source>导出表格</source>
        <translation>Export tables</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="193"/>
        <location filename="../../ui/pages/dashboard_page.py" line="418"/>
        <source>导出PDF</source>
        <translation>Export PDF</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="200"/>
        <source>时间</source>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="211"/>
        <source>营业额</source>
        <translation>Revenue</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="211"/>
        <source>实收</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="212"/>
        <source>储值充值</source>
        <translation>Stored value sold</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="212"/>
        <location filename="../../ui/pages/dashboard_page.py" line="368"/>
        <source>就诊人次</source>
        <translation>Visits</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="213"/>
        <source>新患者 / 复诊</source>
        <translation>New / returning</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="213"/>
        <location filename="../../ui/pages/dashboard_page.py" line="377"/>
        <source>客单价</source>
        <translation>Avg. ticket</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="214"/>
        <location filename="../../ui/pages/dashboard_page.py" line="377"/>
        <source>复诊率</source>
        <translation>Repeat rate</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="214"/>
        <source>爽约率 / 取消率</source>
        <translation>No-show / cancel</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="221"/>
        <location filename="../../ui/pages/dashboard_page.py" line="372"/>
        <source>按项目</source>
        <translation>Procedures</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="221"/>
        <location filename="../../ui/pages/dashboard_page.py" line="372"/>
        <source>按类别</source>
        <translation>Categories</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="222"/>
        <location filename="../../ui/pages/dashboard_page.py" line="372"/>
        <source>按来源</source>
        <translation>Sources</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="222"/>
        <location filename="../../ui/pages/dashboard_page.py" line="372"/>
        <source>医生排行</source>
        <translation>Doctors</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="229"/>
        <source>留存</source>
        <translation>Retention</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="229"/>
        <source>患者构成</source>
        <translation>Patient mix</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="230"/>
        <source>回访与满意度</source>
        <translation>Care</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="236"/>
        <source>投诉</source>
        <translation>Complaints</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="275"/>
        <source>结束日期早于开始日期。</source>
        <translation>The end is before the start.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="278"/>
        <source>正在计算…</source>
        <translation>Calculating…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="299"/>
        <source>正在整理数据：{done} / {total} 天</source>
        <translation>Preparing data: {done} / {total} days</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="320"/>
        <source>环比 {a} · 同比 {b}</source>
        <translation>vs prev. {a} · vs last yr {b}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="159"/>
        <location filename="../../ui/pages/dashboard_page.py" line="362"/>
        <source>营业额（元）</source>
        <translation>Revenue (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="363"/>
        <source>概况</source>
        <translation>Summary</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="364"/>
        <source>指标</source>
        <translation>Measure</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="364"/>
        <source>本期</source>
        <translation>This period</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="365"/>
        <source>上期</source>
        <translation>Previous</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="365"/>
        <source>去年同期</source>
        <translation>Last year</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="367"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="369"/>
        <source>患者数</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="376"/>
        <source>新患者</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="378"/>
        <source>满意度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="413"/>
        <source>已导出。</source>
        <translation>Exported.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="472"/>
        <source>经营看板</source>
        <translation>Dashboard</translation>
    </message>
</context>
<context>
    <name>DateRangeDialog</name>
    <message>
        <location filename="../../ui/pages/import_page.py" line="54"/>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="55"/>
        <source>到</source>
        <translation>To</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="58"/>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="62"/>
        <source>结束日期早于开始日期。</source>
        <translation>The end date is before the start date.</translation>
    </message>
</context>
<context>
    <name>Dialog</name>
    <message>
        <location filename="../../ui/dialogs/base.py" line="57"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>DoctorTab</name>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="135"/>
        <source>提成比例…</source>
        <translation>Commission rates…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="137"/>
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="152"/>
        <source>医生业绩 {month}</source>
        <translation>Doctor performance {month}</translation>
    </message>
</context>
<context>
    <name>DoneStep</name>
    <message>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="27"/>
        <source>保存错误报告…</source>
        <translation>Save error report…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="29"/>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="68"/>
        <source>撤销此次导入</source>
        <translation>Undo this import</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="37"/>
        <source>导入完成：{0}</source>
        <translation>Import finished: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="47"/>
        <source>保存错误报告</source>
        <translation>Save error report</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="54"/>
        <source>错误报告</source>
        <translation>Error report</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="55"/>
        <source>已保存 {0} 行到 {1}</source>
        <translation>Saved {0} rows to {1}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="62"/>
        <source>正在保存错误报告…</source>
        <translation>Saving the error report…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="69"/>
        <source>将删除本次导入新建的 {0} 位患者和 {1} 条就诊记录，并还原被合并患者的资料。确定撤销吗？</source>
        <translation>This deletes the {0} patients and {1} visits this import created and restores the merged patients&apos; details. Undo it?</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="78"/>
        <source>已撤销：删除 {0} 位患者、{1} 条就诊，还原 {2} 位患者的资料。</source>
        <translation>Undone: {0} patients and {1} visits removed, {2} patients restored.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="82"/>
        <source>期初余额 {0} 笔已删除。</source>
        <translation> {0} opening balances removed.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/done_step.py" line="86"/>
        <source>正在撤销导入…</source>
        <translation>Undoing the import…</translation>
    </message>
</context>
<context>
    <name>DryRunStep</name>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="20"/>
        <source>试运行：尚未写入任何数据</source>
        <translation>Dry run: nothing written yet</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="27"/>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="29"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="30"/>
        <source>手机</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="31"/>
        <source>处理</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="31"/>
        <source>新建</source>
        <translation>Create</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="31"/>
        <source>合并</source>
        <translation>Merge</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="32"/>
        <source>跳过</source>
        <translation>Skip</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="33"/>
        <source>新增就诊</source>
        <translation>New visits</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="42"/>
        <source>患者预览（{0}）</source>
        <translation>Patients ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="44"/>
        <source>回访计划（{0}）</source>
        <translation>Care plans ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="52"/>
        <source>随访计划</source>
        <translation>Care plan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/dry_run_step.py" line="53"/>
        <source>将建立的回访任务</source>
        <translation>Care tasks it creates</translation>
    </message>
</context>
<context>
    <name>ExitBackup</name>
    <message>
        <location filename="../../ui/exit_backup.py" line="44"/>
        <source>正在备份数据，请稍候…</source>
        <translation>Backing up your data, please wait…</translation>
    </message>
</context>
<context>
    <name>FamilyLinkDialog</name>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="296"/>
        <source>关联家属</source>
        <translation>Link family</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="302"/>
        <source>家属</source>
        <translation>Relative</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="303"/>
        <source>是本患者的</source>
        <translation>is the patient&apos;s</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="305"/>
        <source>关联</source>
        <translation>Link</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="310"/>
        <source>请先搜索并选择一位家属。</source>
        <translation>Search for and select the relative first.</translation>
    </message>
</context>
<context>
    <name>FeedbackDialog</name>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="426"/>
        <source>满意度与投诉</source>
        <translation>Satisfaction &amp; complaints</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="429"/>
        <source>不评分</source>
        <translation>No score</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="434"/>
        <source>投诉内容（没有可不填）</source>
        <translation>Complaint (leave empty if none)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="435"/>
        <source>满意度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="436"/>
        <location filename="../../ui/dialogs/patient_actions.py" line="449"/>
        <source>投诉</source>
        <translation>Complaint</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="448"/>
        <source>&lt;b&gt;处理未解决的投诉&lt;/b&gt;</source>
        <translation>&lt;b&gt;Handle an open complaint&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="450"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="451"/>
        <source>处理结果</source>
        <translation>Resolution</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="454"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>FileStep</name>
    <message>
        <location filename="../../ui/dialogs/import_wizard/file_step.py" line="34"/>
        <source>选择诊所原来的 Excel 或 CSV 档案（.xlsx、.xlsm、.xls、.ods、.csv），也可以直接把文件拖到这个窗口。标题行、合并单元格、中文列名、一人多行都可以原样导入；导入前会先试运行，告诉您将要做什么。</source>
        <translation>Choose the clinic&apos;s old Excel or CSV records (.xlsx, .xlsm, .xls, .ods, .csv), or drop the file onto this window. Title rows, merged cells, Chinese headers and several rows per person import as they are; a dry run first tells you exactly what will happen.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/file_step.py" line="44"/>
        <source>尚未选择文件</source>
        <translation>No file chosen yet</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/file_step.py" line="45"/>
        <source>选择文件…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/file_step.py" line="49"/>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/file_step.py" line="56"/>
        <source>工作表</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/file_step.py" line="67"/>
        <source>选择要导入的文件</source>
        <translation>Choose the file to import</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/file_step.py" line="79"/>
        <source>工作表“{0}”共 {1} 行、{2} 列。</source>
        <translation>Sheet &quot;{0}&quot;: {1} rows, {2} columns.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/file_step.py" line="82"/>
        <source>表头在第 {0} 行，识别出 {1} 个字段。</source>
        <translation> The header is in row {0}; {1} fields recognised.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/file_step.py" line="85"/>
        <source>没有自动识别出表头，下一步请选择表头所在的行。</source>
        <translation> No header was recognised; choose its row in the next step.</translation>
    </message>
</context>
<context>
    <name>GiftTable</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="74"/>
        <source>礼品</source>
        <translation>Gift</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="74"/>
        <source>所需积分</source>
        <translation>Points</translation>
    </message>
</context>
<context>
    <name>HeaderStep</name>
    <message>
        <location filename="../../ui/dialogs/import_wizard/header_step.py" line="31"/>
        <source>表头在第</source>
        <translation>Header in row</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/header_step.py" line="37"/>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/header_step.py" line="101"/>
        <source>识别出 {0} 个字段：{1}</source>
        <translation>{0} fields recognised: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/header_step.py" line="104"/>
        <source>没有自动识别出表头，请选择表头所在的行。</source>
        <translation>No header was recognised; choose the row that holds it.</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <location filename="../../ui/pages/import_page.py" line="77"/>
        <location filename="../../ui/pages/import_page.py" line="300"/>
        <source>导入导出</source>
        <translation>Import &amp; export</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="78"/>
        <source>把诊所原来的 Excel 档案导入进来（可试运行、可撤销），或把患者、预约、就诊和账目导出为 Excel。</source>
        <translation>Bring in the clinic&apos;s old Excel records (with a dry run, and undoable), or export patients, appointments, visits and the ledger to Excel.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="83"/>
        <source>导入 Excel…</source>
        <translation>Import Excel…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="86"/>
        <source>下载导入模板…</source>
        <translation>Download import template…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="93"/>
        <source>导出患者…</source>
        <translation>Export patients…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="94"/>
        <source>导出预约…</source>
        <translation>Export appointments…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="95"/>
        <source>导出就诊…</source>
        <translation>Export visits…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="95"/>
        <source>导出账目…</source>
        <translation>Export ledger…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="110"/>
        <source>导入记录</source>
        <translation>Import history</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="114"/>
        <source>批次</source>
        <translation>Batch</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="116"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="118"/>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="119"/>
        <source>工作表</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="120"/>
        <source>操作人</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="121"/>
        <source>新患者</source>
        <translation>New patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="123"/>
        <source>合并</source>
        <translation>Merge</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="125"/>
        <source>就诊</source>
        <translation>Visits</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="127"/>
        <source>拒绝行</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="130"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="130"/>
        <source>已撤销</source>
        <translation>Undone</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="130"/>
        <source>有效</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="138"/>
        <source>还没有导入过文件。点“导入 Excel…”选择诊所原来的档案，或先下载导入模板照着填写。</source>
        <translation>No file has been imported yet. Choose Import Excel… to bring in the clinic&apos;s old records, or download the import template and fill it in.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="145"/>
        <source>保存错误报告…</source>
        <translation>Save error report…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="147"/>
        <source>撤销此次导入…</source>
        <translation>Undo this import…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="218"/>
        <source>已取消，没有写入任何内容。</source>
        <translation>Cancelled; nothing was written.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="228"/>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="229"/>
        <source>已导出 {0} 行：{1}</source>
        <translation>Exported {0} rows: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="232"/>
        <source>保存导入模板</source>
        <translation>Save import template</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="239"/>
        <source>已保存导入模板：{0}</source>
        <translation>Import template saved: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="244"/>
        <source>导出患者</source>
        <translation>Export patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="249"/>
        <source>导出预约</source>
        <translation>Export appointments</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="249"/>
        <source>导出就诊</source>
        <translation>Export visits</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="250"/>
        <source>导出账目</source>
        <translation>Export ledger</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="268"/>
        <source>保存错误报告</source>
        <translation>Save error report</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="284"/>
        <source>撤销此次导入</source>
        <translation>Undo this import</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="285"/>
        <source>将删除批次 {0}（{1}）新建的 {2} 位患者和 {3} 条就诊记录，并还原被合并患者的资料。确定撤销吗？</source>
        <translation>This deletes the {2} patients and {3} visits that batch {0} ({1}) created and restores the merged patients&apos; details. Undo it?</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="292"/>
        <source>已撤销批次 {0}：删除 {1} 位患者、{2} 条就诊。</source>
        <translation>Batch {0} undone: {1} patients and {2} visits removed.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/import_page.py" line="296"/>
        <source>正在撤销导入…</source>
        <translation>Undoing the import…</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="42"/>
        <source>选择文件</source>
        <translation>Choose file</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="43"/>
        <source>确认表头</source>
        <translation>Header row</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="44"/>
        <source>对应列</source>
        <translation>Map columns</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="45"/>
        <source>对应值</source>
        <translation>Values</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="46"/>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="149"/>
        <source>试运行</source>
        <translation>Dry run</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="47"/>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="47"/>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="151"/>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="50"/>
        <source>导入 Excel 旧档案</source>
        <translation>Import legacy Excel records</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="109"/>
        <source>上一步</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="110"/>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="149"/>
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="113"/>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="151"/>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="163"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="272"/>
        <source>正在读取项目和医生…</source>
        <translation>Reading procedures and doctors…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="298"/>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="311"/>
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="148"/>
        <source>开始导入</source>
        <translation>Start import</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="150"/>
        <source>取消导入</source>
        <translation>Cancel import</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="162"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="188"/>
        <location filename="../../ui/dialogs/import_wizard/work.py" line="85"/>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/work.py" line="71"/>
        <source>已取消。</source>
        <translation>Cancelled.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="227"/>
        <source>正在读取文件…</source>
        <translation>Reading the file…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="287"/>
        <source>正在试运行…</source>
        <translation>Dry run…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/wizard.py" line="305"/>
        <source>已取消导入，没有写入任何数据。</source>
        <translation>Import cancelled; nothing was written.</translation>
    </message>
</context>
<context>
    <name>IssueCouponDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="231"/>
        <source>发放优惠券</source>
        <translation>Issue a coupon</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="236"/>
        <source>{0}（{1} 天内有效）</source>
        <translation>{0} (valid {1} days)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="239"/>
        <source>还没有优惠券类型：请在“会员与营销”中添加。</source>
        <translation>No coupon types yet: add them under Loyalty.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="240"/>
        <source>优惠券</source>
        <translation>Coupon</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="242"/>
        <source>发放</source>
        <translation>Issue</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="246"/>
        <source>请选择优惠券类型。</source>
        <translation>Choose a coupon type.</translation>
    </message>
</context>
<context>
    <name>JobProgress</name>
    <message>
        <location filename="../../ui/widgets/job_progress.py" line="31"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/job_progress.py" line="87"/>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
</context>
<context>
    <name>LanguageChoice</name>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="145"/>
        <source>界面语言</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="146"/>
        <source>选择界面语言（下次启动时生效）：</source>
        <translation>Choose the interface language (takes effect at the next start):</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="154"/>
        <source>语言已保存，下次启动 Clinic Desktop 时生效。</source>
        <translation>Saved. The language changes the next time Clinic Desktop starts.</translation>
    </message>
</context>
<context>
    <name>LedgerDialog</name>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="131"/>
        <source>收款 / 记账</source>
        <translation>Payment / ledger entry</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="144"/>
        <source>当前欠费 ¥{0:,.2f}，预存 ¥{1:,.2f}，储值余额 ¥{2:,.2f}</source>
        <translation>Owed ¥{0:,.2f}, credit ¥{1:,.2f}, stored value ¥{2:,.2f}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="153"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="154"/>
        <source>金额（元）</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="155"/>
        <source>支付方式</source>
        <translation>Payment method</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="156"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="159"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="170"/>
        <source>金额“{0}”不是数字。</source>
        <translation>The amount &quot;{0}&quot; is not a number.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="193"/>
        <source>多付的钱怎么处理？</source>
        <translation>What should happen to the extra money?</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="194"/>
        <source>本次收款 ¥{0:,.2f}，当前欠费 ¥{1:,.2f}，多出 ¥{2:,.2f}。</source>
        <translation>This payment is ¥{0:,.2f} and ¥{1:,.2f} is owed: ¥{2:,.2f} is extra.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="199"/>
        <source>作为预存：以后的费用先从中扣除。
存入储值卡：先结清欠费，余额充入储值卡。</source>
        <translation>Keep as credit: later charges are paid from it first.
Add to stored value: what is owed is settled and the rest tops up the stored-value card.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="201"/>
        <source>作为预存</source>
        <translation>Keep as credit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="203"/>
        <source>存入储值卡</source>
        <translation>Add to stored value</translation>
    </message>
</context>
<context>
    <name>LedgerTable</name>
    <message>
        <location filename="../../ui/widgets/ledger_table.py" line="47"/>
        <source>{0}（已冲正）</source>
        <translation>{0} (reversed)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ledger_table.py" line="83"/>
        <source>查看收据…</source>
        <translation>Receipt…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ledger_table.py" line="86"/>
        <source>冲正…</source>
        <translation>Reverse…</translation>
    </message>
</context>
<context>
    <name>ListTab</name>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="83"/>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
</context>
<context>
    <name>ListsPage</name>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="38"/>
        <source>文本</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="39"/>
        <source>数字</source>
        <translation>Number</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="40"/>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="41"/>
        <location filename="../../ui/pages/lists_page.py" line="175"/>
        <source>选项</source>
        <translation>Options</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="42"/>
        <source>是/否</source>
        <translation>Yes/no</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="144"/>
        <location filename="../../ui/pages/lists_page.py" line="256"/>
        <source>诊所资料</source>
        <translation>Clinic lists</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="145"/>
        <source>诊疗项目（时长、价格、颜色）、患者标签、自定义字段和来源渠道。</source>
        <translation>Procedures (duration, price, colour), patient tags, custom fields and source channels.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="149"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="150"/>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="152"/>
        <source>时长</source>
        <translation>Duration</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="152"/>
        <source>{0} 分钟</source>
        <translation>{0} min</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="154"/>
        <source>价格</source>
        <translation>Price</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="156"/>
        <source>高值</source>
        <translation>High value</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="156"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="157"/>
        <location filename="../../ui/pages/lists_page.py" line="166"/>
        <source>颜色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="158"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="158"/>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="158"/>
        <source>停用</source>
        <translation>Inactive</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="160"/>
        <source>诊疗项目</source>
        <translation>Procedures</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="161"/>
        <source>新增项目</source>
        <translation>Add procedure</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="162"/>
        <location filename="../../ui/pages/lists_page.py" line="170"/>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="165"/>
        <location filename="../../ui/pages/lists_page.py" line="168"/>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="169"/>
        <source>新增标签</source>
        <translation>Add tag</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="173"/>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="174"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="178"/>
        <source>自定义字段</source>
        <translation>Custom fields</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="179"/>
        <source>新增字段</source>
        <translation>Add field</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="183"/>
        <source>每行一个来源渠道</source>
        <translation>One source channel per line</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="184"/>
        <source>保存来源渠道</source>
        <translation>Save source channels</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="189"/>
        <source>来源渠道</source>
        <translation>Source channels</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/idle_lock.py" line="108"/>
        <source>已锁定</source>
        <translation>Locked</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="112"/>
        <source>{0}（{1}）离开后屏幕已自动锁定。输入密码继续；打开的窗口和填写的内容都还在。</source>
        <translation>The screen locked itself while {0} ({1}) was away. Type the password to go on; open windows and what was typed are still there.</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="121"/>
        <location filename="../../ui/idle_lock.py" line="131"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="130"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="142"/>
        <source>换人登录</source>
        <translation>Someone else</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="144"/>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="216"/>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="35"/>
        <source>登录 - Clinic Desktop</source>
        <translation>Sign in - Clinic Desktop</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="44"/>
        <source>请输入您的用户名和密码。</source>
        <translation>Enter your username and password.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="68"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="69"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="79"/>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="81"/>
        <source>再输入一次</source>
        <translation>Once more</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="128"/>
        <source>{0}，管理员要求您先设置一个只有自己知道的新密码，然后才能继续使用。</source>
        <translation>{0}, an administrator asks you to choose a new password that only you know before you go on.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="132"/>
        <source>保存并登录</source>
        <translation>Save and sign in</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="139"/>
        <source>两次输入的新密码不一致。</source>
        <translation>The two new passwords do not match.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="56"/>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/login_dialog.py" line="57"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>LoyaltyFields</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/fields.py" line="99"/>
        <source>其他所有类别</source>
        <translation>All other categories</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/fields.py" line="178"/>
        <source>删除所选</source>
        <translation>Remove selected</translation>
    </message>
</context>
<context>
    <name>LoyaltyPage</name>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="118"/>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="119"/>
        <source>停用</source>
        <translation>Retired</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="131"/>
        <location filename="../../ui/pages/loyalty_page.py" line="396"/>
        <source>会员与营销</source>
        <translation>Loyalty</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="132"/>
        <source>会员等级、积分规则、充值方案、套餐卡和优惠券。改动从保存起生效，已有的记录不变。</source>
        <translation>Membership tiers, points rules, top-up plans, package cards and coupons. Changes apply from when they are saved; past records stay as they are.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="136"/>
        <source>新增等级</source>
        <translation>New tier</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="139"/>
        <source>还没有会员等级。点“新增等级”设置第一个，例如 银卡：近 12 个月消费满 ¥3,000 升级，享 3% 折扣。</source>
        <translation>No membership tiers yet. Click &quot;New tier&quot; to set up the first, e.g. Silver: reached with ¥3,000 spent in 12 months, 3% off.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="143"/>
        <source>新增方案</source>
        <translation>New plan</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="145"/>
        <source>还没有充值方案。点“新增方案”，例如 充 ¥5,000 送 ¥500；收银时即可选用。</source>
        <translation>No top-up plans yet. Click &quot;New plan&quot;, e.g. top up ¥5,000 and get ¥500; the front desk can then offer it.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="148"/>
        <source>新增套餐卡</source>
        <translation>New package</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="151"/>
        <source>还没有套餐卡。点“新增套餐卡”，例如 洁牙 10 次卡，勾选适用的项目；每次就诊完成时自动扣次。</source>
        <translation>No package cards yet. Click &quot;New package&quot;, e.g. 10 cleanings, and tick the procedures it covers; each completed visit uses one.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="154"/>
        <source>新增优惠券</source>
        <translation>New coupon</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="157"/>
        <source>还没有优惠券。点“新增优惠券”，例如 满 ¥300 减 ¥50；之后可在患者资料中发放。</source>
        <translation>No coupons yet. Click &quot;New coupon&quot;, e.g. ¥50 off a spend of ¥300; then issue it from a patient&apos;s record.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="159"/>
        <source>会员等级</source>
        <translation>Tiers</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="159"/>
        <source>积分与规则</source>
        <translation>Points &amp;&amp; rules</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="160"/>
        <source>充值方案</source>
        <translation>Top-up plans</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="160"/>
        <location filename="../../ui/pages/loyalty_page.py" line="289"/>
        <source>套餐卡</source>
        <translation>Packages</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="161"/>
        <source>优惠券</source>
        <translation>Coupons</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="166"/>
        <source>转介绍排行</source>
        <translation>Referrals</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="174"/>
        <location filename="../../ui/pages/loyalty_page.py" line="200"/>
        <location filename="../../ui/pages/loyalty_page.py" line="219"/>
        <location filename="../../ui/pages/loyalty_page.py" line="239"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="176"/>
        <source>排序</source>
        <translation>Rank</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="178"/>
        <source>升级条件</source>
        <translation>Reached by</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="179"/>
        <source>门槛</source>
        <translation>Threshold</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="182"/>
        <source>折扣</source>
        <translation>Discounts</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="183"/>
        <source>积分倍数</source>
        <translation>Points ×</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="185"/>
        <location filename="../../ui/pages/loyalty_page.py" line="210"/>
        <location filename="../../ui/pages/loyalty_page.py" line="230"/>
        <location filename="../../ui/pages/loyalty_page.py" line="250"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="190"/>
        <source>无折扣</source>
        <translation>No discount</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="192"/>
        <location filename="../../ui/pages/loyalty_page.py" line="248"/>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="192"/>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="194"/>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="202"/>
        <source>充值金额</source>
        <translation>Top-up</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="204"/>
        <source>赠送</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="206"/>
        <source>赠送比例</source>
        <translation>Bonus %</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="208"/>
        <source>到账</source>
        <translation>Credited</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="221"/>
        <source>售价</source>
        <translation>Price</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="223"/>
        <source>次数</source>
        <translation>Uses</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="225"/>
        <source>每次均价</source>
        <translation>Per use</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="227"/>
        <location filename="../../ui/pages/loyalty_page.py" line="246"/>
        <source>有效期</source>
        <translation>Valid for</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="227"/>
        <location filename="../../ui/pages/loyalty_page.py" line="246"/>
        <source>{0} 天</source>
        <translation>{0} days</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="229"/>
        <source>适用项目</source>
        <translation>Procedures</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="241"/>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="242"/>
        <source>优惠</source>
        <translation>Offer</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="244"/>
        <source>最低消费</source>
        <translation>Min. spend</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="248"/>
        <source>适用类别</source>
        <translation>Categories</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="249"/>
        <source>可叠加</source>
        <translation>Stackable</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="249"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="290"/>
        <source>项目目录是空的：请先在“诊所资料”中添加诊疗项目。</source>
        <translation>The procedure list is empty: add procedures in Clinic lists first.</translation>
    </message>
</context>
<context>
    <name>LoyaltyRulesForm</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="123"/>
        <source>每元积分</source>
        <translation>Points per ¥1</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="125"/>
        <source> 积分抵 ¥1</source>
        <translation> points = ¥1</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="126"/>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="129"/>
        <source> 个月</source>
        <translation> months</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="127"/>
        <source>永不过期</source>
        <translation>Never expire</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="128"/>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="138"/>
        <source> 积分</source>
        <translation> points</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="130"/>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="134"/>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="132"/>
        <source>先用本金，后用赠送金</source>
        <translation>Paid value first, bonus last</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="133"/>
        <source>先用赠送金，后用本金</source>
        <translation>Bonus first, paid value last</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="153"/>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="377"/>
        <source>保存规则</source>
        <translation>Save rules</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="160"/>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="235"/>
        <source>生效日期</source>
        <translation>Effective from</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="162"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="163"/>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="267"/>
        <source>当前</source>
        <translation>In force</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="168"/>
        <source>双击查看该版本的规则</source>
        <translation>Double-click to see this version&apos;s rules</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="188"/>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="248"/>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="190"/>
        <source>添加类别</source>
        <translation>Add category</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="192"/>
        <source>积分抵扣</source>
        <translation>Redeem rate</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="193"/>
        <source>积分有效期</source>
        <translation>Points expire</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="194"/>
        <source>生日积分</source>
        <translation>Birthday</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="195"/>
        <source>生日优惠券</source>
        <translation>Birthday coupon</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="196"/>
        <source>召回优惠券</source>
        <translation>Win-back coupon</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="197"/>
        <source>等级与储值</source>
        <translation>Tiers &amp;&amp; stored value</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="199"/>
        <source>等级统计周期</source>
        <translation>Tier window</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="200"/>
        <source>降级宽限期</source>
        <translation>Downgrade grace</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="201"/>
        <source>储值扣款顺序</source>
        <translation>Spending order</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="202"/>
        <source>套餐到期提醒</source>
        <translation>Package warning</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="203"/>
        <source>转介绍奖励</source>
        <translation>Referral reward</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="205"/>
        <source>奖励方式</source>
        <translation>Reward</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="206"/>
        <source>奖励积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="207"/>
        <source>奖励优惠券</source>
        <translation>Coupon</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="208"/>
        <source>赠送储值（元）</source>
        <translation>Bonus value (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="209"/>
        <source>积分兑换礼品</source>
        <translation>Gifts for points</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="211"/>
        <source>添加礼品</source>
        <translation>Add gift</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="214"/>
        <source>历史版本</source>
        <translation>Versions</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="248"/>
        <source>不奖励</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="249"/>
        <source>优惠券</source>
        <translation>Coupon</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="249"/>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="361"/>
        <source>赠送储值</source>
        <translation>Bonus value</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="253"/>
        <source>yyyy年M月d日</source>
        <translation>yyyy-MM-dd</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="264"/>
        <source>待生效</source>
        <translation>Scheduled</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="267"/>
        <source>已结束</source>
        <translation>Ended</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="287"/>
        <source>另有 {0} 起生效的新版本。</source>
        <translation>A newer version starts on {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="294"/>
        <source>随每天的生日问候或久未到诊回访任务自动发放</source>
        <translation>Issued with the day&apos;s birthday greeting or win-back call</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="301"/>
        <source>不发券</source>
        <translation>No coupon</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="308"/>
        <source>（还没有优惠券）</source>
        <translation>(no coupons yet)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="309"/>
        <source>请先在“优惠券”中新增。</source>
        <translation>Add one under Coupons first.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="336"/>
        <source>显示的是默认规则。</source>
        <translation>Showing the default rules.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="337"/>
        <source>显示的是自 {0} 起的规则。</source>
        <translation>Showing the rules from {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="378"/>
        <source>{0} 起生效的规则将被这次保存取代，确定吗？</source>
        <translation>The rules scheduled from {0} will be replaced by this save. Go ahead?</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/rules_form.py" line="388"/>
        <source>已保存：{0} 起生效。</source>
        <translation>Saved: in force from {0}.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="188"/>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="189"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="194"/>
        <source>账户</source>
        <translation>Account</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="195"/>
        <source>修改密码…</source>
        <translation>Change password…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="196"/>
        <source>退出登录</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="199"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="200"/>
        <source>界面语言…</source>
        <translation>Interface language…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="202"/>
        <source>诊所信息…</source>
        <translation>Clinic information…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="203"/>
        <source>消息渠道…</source>
        <translation>Message channels…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="204"/>
        <source>数据备份…</source>
        <translation>Backups…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="205"/>
        <source>安全…</source>
        <translation>Security…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="207"/>
        <source>附件文件夹…</source>
        <translation>Attachments folder…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="208"/>
        <source>定时任务…</source>
        <translation>Scheduled jobs…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="210"/>
        <source>回访设置…</source>
        <translation>Callback settings…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="212"/>
        <source>帮助</source>
        <translation>Help</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="213"/>
        <source>键盘快捷键</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="214"/>
        <location filename="../../ui/main_window.py" line="291"/>
        <source>关于 Clinic Desktop</source>
        <translation>About Clinic Desktop</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="218"/>
        <source>用户：{0}</source>
        <translation>User: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="219"/>
        <source>角色：{0}</source>
        <translation>Role: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="221"/>
        <source>演示 / DEMO</source>
        <translation>DEMO</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="235"/>
        <source>诊所：{0}</source>
        <translation>Clinic: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="292"/>
        <source>&lt;b&gt;Clinic Desktop&lt;/b&gt; {0}&lt;br&gt;离线优先的诊所管理软件。&lt;br&gt;&lt;br&gt;数据文件夹：{1}&lt;br&gt;日志：{2}</source>
        <translation>&lt;b&gt;Clinic Desktop&lt;/b&gt; {0}&lt;br&gt;Offline-first clinic management.&lt;br&gt;&lt;br&gt;Data folder: {1}&lt;br&gt;Log: {2}</translation>
    </message>
</context>
<context>
    <name>MappingStep</name>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="52"/>
        <source>对应方案</source>
        <translation>Mapping profile</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="57"/>
        <source>保存为方案…</source>
        <translation>Save as profile…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="64"/>
        <source>已有的患者</source>
        <translation>Existing patients</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="66"/>
        <source>合并：补全空白信息</source>
        <translation>Merge: fill in empty fields</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="67"/>
        <source>跳过：不动已有患者</source>
        <translation>Skip: leave existing patients alone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="68"/>
        <source>新建：另建一份档案</source>
        <translation>Create: add a new record anyway</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="71"/>
        <source>用文件中的值覆盖已有信息</source>
        <translation>Overwrite existing details with the file&apos;s</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="79"/>
        <source>文件中的列</source>
        <translation>Column in the file</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="79"/>
        <source>示例</source>
        <translation>Examples</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="79"/>
        <source>导入为</source>
        <translation>Import as</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="95"/>
        <source>带 * 的字段必须对应；同一个人的多行（身份证号相同、手机号和姓名相同、或姓名和生日相同）会合并为一位患者。</source>
        <translation>Fields marked * must be mapped; several rows of one person (same ID number, same mobile and name, or same name and birth date) become one patient.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="110"/>
        <source>（第 {0} 列）</source>
        <translation>(column {0})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="116"/>
        <source>（不导入）</source>
        <translation>(not imported)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="139"/>
        <source>“{0}”对应了不止一列，每个字段只能对应一列。</source>
        <translation>&quot;{0}&quot; is mapped to more than one column; each field takes one column.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="158"/>
        <source>这次不导入：{0}（像是储值、欠费、积分或会员等级，但不确定是不是余额，不做猜测；如果是，请在右边手动选择）。</source>
        <translation>Not imported: {0} (looks like stored value, owed, points or a tier, but may not be a balance: not guessed; if it is, choose it on the right).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="167"/>
        <source>自动识别</source>
        <translation>Automatic</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="198"/>
        <source>保存对应方案</source>
        <translation>Save mapping profile</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/mapping_step.py" line="199"/>
        <source>方案名称（例如：老系统导出）</source>
        <translation>Profile name (for example: old system export)</translation>
    </message>
</context>
<context>
    <name>MedicalDialog</name>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="385"/>
        <source>病史与过敏</source>
        <translation>History &amp; allergies</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="401"/>
        <source>过敏</source>
        <translation>Allergies</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="402"/>
        <source>其他过敏</source>
        <translation>Other allergies</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="403"/>
        <source>慢性病</source>
        <translation>Chronic conditions</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="404"/>
        <source>既往史</source>
        <translation>Past history</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="405"/>
        <source>家族史</source>
        <translation>Family history</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="406"/>
        <source>主诉</source>
        <translation>Chief complaint</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="407"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>MemberTab</name>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="44"/>
        <source>可用</source>
        <translation>Usable</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="45"/>
        <source>已用完</source>
        <translation>Used up</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="46"/>
        <source>已过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="47"/>
        <source>已退</source>
        <translation>Refunded</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="81"/>
        <location filename="../../ui/widgets/member_tab.py" line="272"/>
        <source>充值</source>
        <translation>Top up</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="81"/>
        <source>购买套餐</source>
        <translation>Sell package</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="82"/>
        <source>兑换礼品</source>
        <translation>Gift</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="82"/>
        <source>发券</source>
        <translation>Coupon</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="83"/>
        <source>调整积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="83"/>
        <source>调整等级</source>
        <translation>Tier</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="84"/>
        <source>退储值</source>
        <translation>Pay back</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="84"/>
        <source>家庭共享</source>
        <translation>Share card</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="102"/>
        <location filename="../../ui/widgets/member_tab.py" line="112"/>
        <location filename="../../ui/widgets/member_tab.py" line="142"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="103"/>
        <location filename="../../ui/widgets/member_tab.py" line="113"/>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="104"/>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="107"/>
        <source>到期</source>
        <translation>Expires</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="109"/>
        <location filename="../../ui/widgets/member_tab.py" line="118"/>
        <location filename="../../ui/widgets/member_tab.py" line="147"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="114"/>
        <source>账户</source>
        <translation>Account</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="114"/>
        <source>本金</source>
        <translation>Principal</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="115"/>
        <source>赠送金</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="116"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="121"/>
        <source>套餐</source>
        <translation>Package</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="122"/>
        <source>剩余/总次数</source>
        <translation>Left / uses</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="124"/>
        <location filename="../../ui/widgets/member_tab.py" line="135"/>
        <source>有效期至</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="126"/>
        <source>价格</source>
        <translation>Price</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="128"/>
        <location filename="../../ui/widgets/member_tab.py" line="137"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="133"/>
        <location filename="../../ui/widgets/member_tab.py" line="164"/>
        <source>优惠券</source>
        <translation>Coupons</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="134"/>
        <source>券码</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="139"/>
        <source>发放</source>
        <translation>Issued</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="143"/>
        <source>等级</source>
        <translation>Tier</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="143"/>
        <location filename="../../ui/widgets/member_tab.py" line="243"/>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="144"/>
        <source>原因</source>
        <translation>Cause</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="145"/>
        <source>保留至</source>
        <translation>Held until</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="150"/>
        <source>被介绍人</source>
        <translation>Referred patient</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="151"/>
        <source>病历号</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="152"/>
        <source>奖励</source>
        <translation>Reward</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="153"/>
        <source>奖励时间</source>
        <translation>Rewarded</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="163"/>
        <source>积分明细</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="163"/>
        <source>储值明细</source>
        <translation>Stored value</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="164"/>
        <source>套餐卡</source>
        <translation>Packages</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="165"/>
        <source>等级记录</source>
        <translation>Tier history</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="165"/>
        <source>转介绍</source>
        <translation>Referrals</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="192"/>
        <source>介绍人：</source>
        <translation>Referred by:</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="262"/>
        <source>非会员</source>
        <translation>Not a member</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="264"/>
        <source>自 {0:%Y-%m-%d} 起</source>
        <translation>since {0:%Y-%m-%d}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="266"/>
        <source>手动设定，保留至 {0:%Y-%m-%d}</source>
        <translation>set by hand, held until {0:%Y-%m-%d}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="267"/>
        <source>手动设定</source>
        <translation>set by hand</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="268"/>
        <source>近 {0} 个月消费 {1}，充值 {2}</source>
        <translation>last {0} months: spent {1}, topped up {2}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="271"/>
        <source>再{0} {1} 可升为{2}</source>
        <translation>{0} {1} more to reach {2}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="272"/>
        <source>消费</source>
        <translation>spend</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="278"/>
        <source>积分 {0:,}（可用 {1:,}）</source>
        <translation>Points {0:,} ({1:,} usable)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="280"/>
        <source>{0:,} 积分将于 {1:%Y-%m-%d} 前过期</source>
        <translation>{0:,} points expire by {1:%Y-%m-%d}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="282"/>
        <source>储值 {0}（本金 {1}，赠送 {2}）</source>
        <translation>Stored value {0} (principal {1}, bonus {2})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="286"/>
        <source>，使用{0}的储值卡</source>
        <translation>, spends {0}&apos;s card</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="288"/>
        <source>，{0} 位家人共用</source>
        <translation>, shared by {0} relatives</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="292"/>
        <source>套餐 {0} 张</source>
        <translation>{0} packages</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="295"/>
        <source>优惠券 {0} 张</source>
        <translation>{0} coupons</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="331"/>
        <source>退剩余次数…</source>
        <translation>Refund the uses left…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/member_tab.py" line="342"/>
        <source>作废…</source>
        <translation>Void…</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="318"/>
        <source>编号</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="319"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="320"/>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="321"/>
        <source>出生日期</source>
        <translation>Birth date</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="322"/>
        <source>手机</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="323"/>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="324"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="325"/>
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="329"/>
        <source>合并重复档案</source>
        <translation>Merge duplicate records</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="334"/>
        <source>重复的档案</source>
        <translation>Duplicate record</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="339"/>
        <source>保留左侧档案；右侧的就诊、账目、联系记录和附件将并入左侧，左侧空白的资料用右侧补全，不会覆盖已有内容。合并可以撤销。</source>
        <translation>The left record is kept. Visits, ledger entries, contacts and attachments of the right one move to it; empty fields on the left are filled from the right, nothing is overwritten. A merge can be undone.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="345"/>
        <source>合并</source>
        <translation>Merge</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="359"/>
        <source>&lt;b&gt;保留&lt;/b&gt;</source>
        <translation>&lt;b&gt;Keep&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="360"/>
        <source>&lt;b&gt;并入&lt;/b&gt;</source>
        <translation>&lt;b&gt;Merge in&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="373"/>
        <source>请先搜索并选择要并入的重复档案。</source>
        <translation>Search for and select the duplicate to merge in first.</translation>
    </message>
</context>
<context>
    <name>MessagesPage</name>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="60"/>
        <source>待发送</source>
        <translation>Queued</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="61"/>
        <source>发送中</source>
        <translation>Sending</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="62"/>
        <source>已发送</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="63"/>
        <source>发送失败</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="33"/>
        <source>手动（复制）</source>
        <translation>Manual (copy)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="34"/>
        <source>邮件</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="35"/>
        <source>短信</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="64"/>
        <source>已撤回</source>
        <translation>Withdrawn</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="68"/>
        <source>等待回执</source>
        <translation>Awaiting receipt</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="69"/>
        <source>已送达</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="70"/>
        <source>未送达</source>
        <translation>Not delivered</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="80"/>
        <location filename="../../ui/pages/messages_page.py" line="197"/>
        <location filename="../../ui/pages/messages_page.py" line="461"/>
        <source>消息</source>
        <translation>Messages</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="81"/>
        <source>待发送的关怀、提醒和复查消息。手动渠道：复制内容发到微信或电话里说，然后标记已发送。</source>
        <translation>Care, reminder and recall messages waiting to go out. Manual channel: copy the text into WeChat or read it on the phone, then mark it sent.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="82"/>
        <source>复制内容</source>
        <translation>Copy text</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="84"/>
        <source>标记已发送</source>
        <translation>Mark sent</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="86"/>
        <source>发送邮件</source>
        <translation>Send e-mail</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="88"/>
        <source>发送短信</source>
        <translation>Send SMS</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="90"/>
        <source>更新回执</source>
        <translation>Update receipts</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="91"/>
        <source>向短信服务商查询近 3 天短信是否已送达</source>
        <translation>Ask the SMS provider whether the last 3 days&apos; texts arrived</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="93"/>
        <source>记录回复…</source>
        <translation>Record reply…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="94"/>
        <source>患者回复了满意度回访（或电话里说了）：记下评分或投诉</source>
        <translation>The patient answered the survey (or said on the phone): record the score or complaint</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="98"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="100"/>
        <source>消息模板…</source>
        <translation>Message templates…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="101"/>
        <source>消息渠道…</source>
        <translation>Message channels…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="102"/>
        <source>自动消息…</source>
        <translation>Automatic…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="123"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="125"/>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="126"/>
        <source>计划发送</source>
        <translation>Goes at</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="129"/>
        <source>渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="130"/>
        <source>收件人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="131"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="134"/>
        <source>送达</source>
        <translation>Delivery</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="137"/>
        <source>次数</source>
        <translation>Attempts</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="138"/>
        <source>内容</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="139"/>
        <source>失败原因</source>
        <translation>Failure</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="167"/>
        <source>{0}：发 {1} · 待 {2} · 败 {3}</source>
        <translation>{0}: sent {1} · waiting {2} · failed {3}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="170"/>
        <source>今天：已发送 {0} 条，待发送 {1} 条，失败 {2} 条，已撤回 {3} 条</source>
        <translation>Today: {0} sent, {1} waiting, {2} failed, {3} withdrawn</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="172"/>
        <source>（{0}）</source>
        <translation> ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="172"/>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="178"/>
        <source>近 30 天：有提醒的预约 {0} 个，爽约率 {1}；未提醒的 {2} 个，爽约率 {3}。复查通知 {4} 条，{5} 天内预约 {6}。</source>
        <translation>Last 30 days: {0} reminded bookings, {1} no-shows; {2} not reminded, {3} no-shows. {4} recall notices, {6} booked within {5} days.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="191"/>
        <source>{0} 送达</source>
        <translation>Delivered {0}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="197"/>
        <source>请先选择一条消息。</source>
        <translation>Select a message first.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="205"/>
        <source>已复制到剪贴板</source>
        <translation>Copied to the clipboard</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="219"/>
        <source>已标记为已发送</source>
        <translation>Marked sent</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="244"/>
        <source>已停止发送；未发出的消息仍在待发送中。</source>
        <translation>Sending stopped; messages not sent are still queued.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="250"/>
        <source>正在发送</source>
        <translation>Sending</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="273"/>
        <source>没有等待回执的短信</source>
        <translation>No texts awaiting a receipt</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="274"/>
        <source>回执：已送达 {0} 条，未送达 {1} 条，仍在等待 {2} 条</source>
        <translation>Receipts: {0} delivered, {1} not delivered, {2} still waiting</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="281"/>
        <source>正在查询回执</source>
        <translation>Fetching receipts</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="240"/>
        <source>已发送 {0} 条，失败 {1} 次</source>
        <translation>{0} sent, {1} failed attempts</translation>
    </message>
</context>
<context>
    <name>MixTab</name>
    <message>
        <location filename="../../ui/pages/dashboard/mix_tab.py" line="46"/>
        <source>患者数（按年龄段）</source>
        <translation>Patients by age band</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/mix_tab.py" line="52"/>
        <source>患者数</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/mix_tab.py" line="53"/>
        <source>患者构成</source>
        <translation>Patient mix</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/mix_tab.py" line="54"/>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/mix_tab.py" line="56"/>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/mix_tab.py" line="56"/>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/mix_tab.py" line="57"/>
        <source>性别不详</source>
        <translation>Sex unknown</translation>
    </message>
</context>
<context>
    <name>MoneyField</name>
    <message>
        <location filename="../../ui/widgets/money_field.py" line="27"/>
        <location filename="../../ui/widgets/money_field.py" line="30"/>
        <source>{0}：“{1}”不是金额。</source>
        <translation>{0}: “{1}” is not an amount.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/money_field.py" line="33"/>
        <source>{0}不能为负数。</source>
        <translation>{0} cannot be negative.</translation>
    </message>
</context>
<context>
    <name>PackageTypeDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="85"/>
        <source>编辑套餐卡</source>
        <translation>Edit package card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="85"/>
        <source>新增套餐卡</source>
        <translation>New package card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="89"/>
        <source>例如：洁牙 10 次卡</source>
        <translation>e.g. 10 cleanings</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="94"/>
        <source> 次</source>
        <translation> uses</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="98"/>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="103"/>
        <source>启用（收银时可售）</source>
        <translation>Active (on sale at the desk)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="106"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="107"/>
        <source>售价（元）</source>
        <translation>Price (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="108"/>
        <source>次数</source>
        <translation>Uses</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="110"/>
        <source>有效期</source>
        <translation>Valid for</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="112"/>
        <source>适用项目</source>
        <translation>Procedures covered</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="124"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="130"/>
        <source>每次约 {0}</source>
        <translation>About {0} a use</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="131"/>
        <source>完成所选项目的就诊时自动扣一次。</source>
        <translation>A visit with a covered procedure uses one.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="134"/>
        <source>售价</source>
        <translation>Price</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="137"/>
        <source>请至少勾选一个适用项目。</source>
        <translation>Tick at least one procedure.</translation>
    </message>
</context>
<context>
    <name>PasswordRules</name>
    <message>
        <location filename="../../ui/widgets/password_fields.py" line="23"/>
        <source>至少 {0} 个字符</source>
        <translation>At least {0} characters</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/password_fields.py" line="29"/>
        <source>至少 {0} 个字符，不能含用户名，不能是常见密码。</source>
        <translation>At least {0} characters, not your user name, not a common password.</translation>
    </message>
</context>
<context>
    <name>PatientChoice</name>
    <message>
        <location filename="../../ui/calendar/patient_choice.py" line="41"/>
        <source>姓名、拼音首字母、手机号后四位…</source>
        <translation>Name, pinyin initials, last 4 digits of mobile…</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/patient_choice.py" line="49"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/patient_choice.py" line="49"/>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/patient_choice.py" line="49"/>
        <source>年龄</source>
        <translation>Age</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/patient_choice.py" line="50"/>
        <source>手机</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/patient_choice.py" line="50"/>
        <source>上次就诊</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/patient_choice.py" line="50"/>
        <source>编号</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/patient_choice.py" line="69"/>
        <source>男</source>
        <translation>M</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/patient_choice.py" line="69"/>
        <source>女</source>
        <translation>F</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/patient_choice.py" line="72"/>
        <source>未就诊</source>
        <translation>none yet</translation>
    </message>
</context>
<context>
    <name>PatientConflict</name>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="39"/>
        <source>介绍人</source>
        <translation>Referrer</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="40"/>
        <source>介绍人（文字）</source>
        <translation>Referrer (text)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="41"/>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="47"/>
        <source>（空）</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="49"/>
        <source>男</source>
        <translation>M</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="50"/>
        <source>女</source>
        <translation>F</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="52"/>
        <source>另一位患者</source>
        <translation>another patient</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="74"/>
        <source>对方改了：</source>
        <translation>They changed:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="75"/>
        <source>  {0}：{1} → {2}</source>
        <translation>  {0}: {1} → {2}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="78"/>
        <source>对方改的是本表以外的内容（如标签、自定义字段）。</source>
        <translation>They changed something outside this form (tags, custom fields).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="81"/>
        <source>您也改了其中的 {0}：载入后保留您填写的内容，请核对。</source>
        <translation>You changed {0} too: your entry is kept after loading; please check it.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_conflict.py" line="84"/>
        <source>载入对方保存的资料，并保留您在本表中的修改？</source>
        <translation>Load what they saved and keep your changes in this form?</translation>
    </message>
</context>
<context>
    <name>PatientFormDialog</name>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="70"/>
        <source>编辑患者资料</source>
        <translation>Edit patient</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="70"/>
        <source>新建患者</source>
        <translation>New patient</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="84"/>
        <source>未填</source>
        <translation>—</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="84"/>
        <source>男</source>
        <translation>M</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="84"/>
        <source>女</source>
        <translation>F</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="88"/>
        <source>11 位手机号</source>
        <translation>11-digit mobile</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="92"/>
        <source>例如 zhangsan@qq.com</source>
        <translation>e.g. zhangsan@qq.com</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="94"/>
        <source>18 位身份证号，可自动带出生日和性别</source>
        <translation>18-digit ID number (fills birth date and sex)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="103"/>
        <source>姓名（关系）</source>
        <translation>Name (relation)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="109"/>
        <source>介绍人还不是本诊所患者时，写下姓名</source>
        <translation>When the referrer is not a patient of the clinic, write the name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="119"/>
        <source>无权查看</source>
        <translation>No access</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="120"/>
        <source>姓名 *</source>
        <translation>Name *</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="121"/>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="122"/>
        <source>出生日期</source>
        <translation>Birth date</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="123"/>
        <source>手机</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="124"/>
        <source>备用电话</source>
        <translation>Second phone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="125"/>
        <source>微信号</source>
        <translation>WeChat ID</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="126"/>
        <source>邮箱</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="127"/>
        <source>紧急联系人</source>
        <translation>Emergency contact</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="128"/>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="129"/>
        <source>职业</source>
        <translation>Occupation</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="130"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="131"/>
        <source>来源渠道</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="132"/>
        <source>首诊日期</source>
        <translation>First visit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="134"/>
        <source>介绍人（文字）</source>
        <translation>Referrer (as text)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="148"/>
        <source>节日、生日和活动消息只发给同意该渠道的患者；预约提醒等服务消息不需要事先同意</source>
        <translation>Festival, birthday and campaign messages go only to patients who agreed to the channel; reminders and other service messages need no prior consent</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="150"/>
        <source>同意接收消息</source>
        <translation>Agrees to messages</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="151"/>
        <source>紧急联系电话</source>
        <translation>Emergency phone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="163"/>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="204"/>
        <source>确认不是同一人，仍然新建</source>
        <translation>Not the same person: create anyway</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="207"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="240"/>
        <source>号码已部分隐藏：不改动则保留原号码；要更换请清空后输入完整的新号码。</source>
        <translation>Number partly hidden: left as it is, the stored number is kept; to change it, clear the field and type the whole new number.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="299"/>
        <source>已载入对方保存的资料，请核对后再保存。</source>
        <translation>Their saved record is loaded; check it, then save.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="309"/>
        <source>资料已被他人修改</source>
        <translation>Changed by someone else</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="311"/>
        <source>载入并保留我的修改</source>
        <translation>Load and keep my changes</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="312"/>
        <source>载入，放弃我的修改</source>
        <translation>Load, drop my changes</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="314"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="337"/>
        <source>可能是同一位患者</source>
        <translation>Possibly the same patient</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="338"/>
        <source>{0}

是否打开已有的档案？选择“否”可核对后勾选“仍然新建”。</source>
        <translation>{0}

Open the existing record? Choose No to check, then tick &quot;create anyway&quot;.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_form.py" line="320"/>
        <source>请核对</source>
        <translation>Please check</translation>
    </message>
</context>
<context>
    <name>PatientHome</name>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="52"/>
        <source>今天的患者</source>
        <translation>Today&apos;s patients</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="55"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="57"/>
        <location filename="../../ui/widgets/patient_home.py" line="76"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="59"/>
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="60"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="62"/>
        <location filename="../../ui/widgets/patient_home.py" line="80"/>
        <source>手机</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="65"/>
        <location filename="../../ui/widgets/patient_home.py" line="83"/>
        <source>会员</source>
        <translation>Member</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="71"/>
        <source>今天没有预约的患者。</source>
        <translation>No patients are booked for today.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="73"/>
        <source>最近打开</source>
        <translation>Recently opened</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="78"/>
        <source>打开于</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="82"/>
        <source>病历号</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="90"/>
        <source>打开过的患者会列在这里。</source>
        <translation>The patients you open are listed here.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_home.py" line="120"/>
        <source>今天的患者（{0}）</source>
        <translation>Today&apos;s patients ({0})</translation>
    </message>
</context>
<context>
    <name>PatientPanelWidget</name>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="128"/>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="129"/>
        <source>记录联系</source>
        <translation>Log contact</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="131"/>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="132"/>
        <source>关联家属</source>
        <translation>Link family</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="132"/>
        <source>合并重复</source>
        <translation>Merge duplicate</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="133"/>
        <location filename="../../ui/widgets/patient_panel.py" line="390"/>
        <source>归档</source>
        <translation>Archive</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="157"/>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="159"/>
        <source>项目</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="160"/>
        <source>牙位/部位</source>
        <translation>Tooth / site</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="161"/>
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ledger_table.py" line="43"/>
        <location filename="../../ui/widgets/patient_panel.py" line="162"/>
        <location filename="../../ui/widgets/patient_panel.py" line="223"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="164"/>
        <location filename="../../ui/widgets/patient_panel.py" line="431"/>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ledger_table.py" line="39"/>
        <location filename="../../ui/widgets/patient_panel.py" line="217"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ledger_table.py" line="41"/>
        <location filename="../../ui/widgets/patient_panel.py" line="179"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ledger_table.py" line="42"/>
        <source>方式</source>
        <translation>Method</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ledger_table.py" line="46"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="169"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="170"/>
        <source>关系</source>
        <translation>Relation</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="171"/>
        <source>手机</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="173"/>
        <source>下次预约</source>
        <translation>Next appointment</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="174"/>
        <source>待复诊</source>
        <translation>Open recalls</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="202"/>
        <source>病史与过敏</source>
        <translation>History &amp; allergies</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="202"/>
        <source>治疗记录</source>
        <translation>Treatments</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="203"/>
        <source>账单</source>
        <translation>Billing</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="203"/>
        <source>家庭</source>
        <translation>Family</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="205"/>
        <source>回访</source>
        <translation>Callbacks</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="70"/>
        <location filename="../../ui/widgets/patient_panel.py" line="205"/>
        <source>附件</source>
        <translation>Attachments</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="65"/>
        <source>就诊</source>
        <translation>Visit</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="66"/>
        <source>账目</source>
        <translation>Ledger</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="67"/>
        <location filename="../../ui/widgets/patient_panel.py" line="128"/>
        <source>预约</source>
        <translation>Appointment</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="68"/>
        <source>联系</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="69"/>
        <source>反馈</source>
        <translation>Feedback</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="71"/>
        <source>消息</source>
        <translation>Message</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="130"/>
        <source>满意度/投诉</source>
        <translation>Feedback</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="130"/>
        <source>收款</source>
        <translation>Take payment</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="131"/>
        <source>记账</source>
        <translation>Ledger entry</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="139"/>
        <source>为这位患者预约：打开日历的预约窗口</source>
        <translation>Book an appointment for this patient (opens the calendar&apos;s booking window)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="140"/>
        <source>收款：现金、微信、支付宝、银行卡、医保、储值、积分和优惠券可混合使用，并打印收据</source>
        <translation>Take a payment in any mix of cash, WeChat, Alipay, card, insurance, stored value, points and coupons, and print the receipt</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="142"/>
        <source>手动记一笔收费、优惠、退款或充值</source>
        <translation>Record a charge, discount, refund or top-up by hand</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="177"/>
        <source>到期</source>
        <translation>Due</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="180"/>
        <source>事由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="181"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="181"/>
        <source>已到期</source>
        <translation>Due now</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="182"/>
        <source>待到期</source>
        <translation>Upcoming</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="183"/>
        <source>已拨打</source>
        <translation>Calls</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="204"/>
        <source>会员</source>
        <translation>Membership</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="206"/>
        <source>备注与自定义</source>
        <translation>Notes &amp; custom fields</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="213"/>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="220"/>
        <source>类别</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="221"/>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="222"/>
        <source>详情</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="235"/>
        <source>显示：</source>
        <translation>Show:</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="241"/>
        <source>时间线</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="256"/>
        <source>编辑病史与过敏</source>
        <translation>Edit history &amp; allergies</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="268"/>
        <source>把 X 光片、照片或 PDF 拖到这里即可保存；双击用系统程序打开。</source>
        <translation>Drop X-rays, photos or PDFs here to keep them; double-click to open with the system viewer.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="315"/>
        <source>男</source>
        <translation>M</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="315"/>
        <source>女</source>
        <translation>F</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="316"/>
        <source>{0} 岁</source>
        <translation>{0} y</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="319"/>
        <source> · 已归档</source>
        <translation> · archived</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="325"/>
        <source>显示号码</source>
        <translation>Show number</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="327"/>
        <source>显示号码：这位患者的完整手机号和紧急联系电话（记入审计日志）</source>
        <translation>Show number: this patient&apos;s full mobile and emergency phone (audited)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="329"/>
        <source>手机 {0}</source>
        <translation>Mobile {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="329"/>
        <source>未留手机</source>
        <translation>No mobile</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="331"/>
        <source>邮箱 {0}</source>
        <translation>Email {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="333"/>
        <source>下次预约 {0}</source>
        <translation>Next appointment {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="336"/>
        <source>来源 {0}</source>
        <translation>Source {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="339"/>
        <source>介绍人 {0}</source>
        <translation>Referred by {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="341"/>
        <source>已介绍 {0} 位</source>
        <translation>referred {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="343"/>
        <source>紧急联系人 {0}</source>
        <translation>Emergency contact {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="348"/>
        <source>修改</source>
        <translation>Change</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="357"/>
        <source>欠费 &lt;b style=&apos;color:{0}&apos;&gt;{1}&lt;/b&gt;&#x3000;储值余额 &lt;b&gt;{2}&lt;/b&gt;&#x3000;积分 {3}</source>
        <translation>Owed &lt;b style=&apos;color:{0}&apos;&gt;{1}&lt;/b&gt;&#x3000;Stored value &lt;b&gt;{2}&lt;/b&gt;&#x3000;Points {3}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="361"/>
        <source>欠费 &lt;b style=&apos;color:{0}&apos;&gt;{1}&lt;/b&gt;&#x3000;预存 &lt;b style=&apos;color:#067647&apos;&gt;{2}&lt;/b&gt;&#x3000;储值余额 &lt;b&gt;{3}&lt;/b&gt;&#x3000;积分 {4}</source>
        <translation>Owed &lt;b style=&apos;color:{0}&apos;&gt;{1}&lt;/b&gt;&#x3000;Credit &lt;b style=&apos;color:#067647&apos;&gt;{2}&lt;/b&gt;&#x3000;Stored value &lt;b&gt;{3}&lt;/b&gt;&#x3000;Points {4}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="370"/>
        <source>⚠ 过敏：{0}</source>
        <translation>⚠ Allergy: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="390"/>
        <source>取消归档</source>
        <translation>Unarchive</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="413"/>
        <source>过敏</source>
        <translation>Allergies</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="413"/>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="414"/>
        <source>慢性病</source>
        <translation>Chronic conditions</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="414"/>
        <source>既往史</source>
        <translation>Past history</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="415"/>
        <source>家族史</source>
        <translation>Family history</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="415"/>
        <source>主诉</source>
        <translation>Chief complaint</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="460"/>
        <source>打开附件</source>
        <translation>Open attachment</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="467"/>
        <source>消息：已拒收全部</source>
        <translation>Messages: refused all</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="470"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="472"/>
        <source>同意{0}</source>
        <translation>agreed {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="474"/>
        <source>拒收{0}</source>
        <translation>refused {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="475"/>
        <source>消息：{0}</source>
        <translation>Messages: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="475"/>
        <source>，</source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../ui/widgets/patient_panel.py" line="476"/>
        <source>未登记</source>
        <translation>not recorded</translation>
    </message>
</context>
<context>
    <name>PatientPicker</name>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="270"/>
        <source>姓名、拼音首字母、手机号后四位…</source>
        <translation>Name, pinyin initials, last 4 digits of mobile…</translation>
    </message>
</context>
<context>
    <name>PatientsBehindDialog</name>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="95"/>
        <source>共 {n} 位患者</source>
        <translation>{n} patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="96"/>
        <source>编号</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="97"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="98"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="99"/>
        <source>就诊次数</source>
        <translation>Visits</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="101"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="103"/>
        <source>最近就诊</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_page.py" line="112"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>PatientsPage</name>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="85"/>
        <location filename="../../ui/pages/patients_page.py" line="418"/>
        <source>患者</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="86"/>
        <source>输入姓名、拼音首字母（zs）、全拼、手机号任意 4 位、病历号或身份证号片段。</source>
        <translation>Type a name, pinyin initials (zs), full pinyin, any 4 digits of a phone, the patient code or part of the ID number.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="94"/>
        <source>搜索患者…</source>
        <translation>Search patients…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="96"/>
        <source>新建患者</source>
        <translation>New patient</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="102"/>
        <source>包括已归档</source>
        <translation>Include archived</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="109"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="110"/>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="111"/>
        <source>年龄</source>
        <translation>Age</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="113"/>
        <source>手机</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="115"/>
        <source>病历号</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="118"/>
        <source>会员</source>
        <translation>Member</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="134"/>
        <source>导出…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="136"/>
        <source>把列表中的患者导出为 Excel；搜索框为空时导出全部患者。</source>
        <translation>Export the listed patients to Excel; with an empty search box, every patient.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="153"/>
        <source>在左侧搜索并选择一位患者，这里会显示他的全部信息。</source>
        <translation>Search and select a patient on the left to see everything about them here.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="163"/>
        <source>撤销合并</source>
        <translation>Undo merge</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="231"/>
        <source>导出患者</source>
        <translation>Export patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="240"/>
        <source>已导出 {0} 位患者</source>
        <translation>Exported {0} patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="243"/>
        <source>男</source>
        <translation>M</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="243"/>
        <source>女</source>
        <translation>F</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="281"/>
        <source>{0} 位</source>
        <translation>{0} found</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="387"/>
        <source>归档后默认搜索不到这位患者（可勾选“包括已归档”找回）。确定归档吗？</source>
        <translation>Archived patients are hidden from search (tick &quot;Include archived&quot; to find them). Archive this patient?</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="388"/>
        <source>归档</source>
        <translation>Archive</translation>
    </message>
    <message>
        <location filename="../../ui/pages/patients_page.py" line="401"/>
        <source>已合并重复档案。</source>
        <translation>Duplicate record merged.</translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="66"/>
        <source>收款</source>
        <translation>Take payment</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="75"/>
        <source>收款 · {0}（{1}）</source>
        <translation>Payment · {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="84"/>
        <source>不指定就诊（结清欠费）</source>
        <translation>No visit (settle what is owed)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="92"/>
        <source>就诊</source>
        <translation>Visit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="94"/>
        <source>使用会员折扣</source>
        <translation>Apply the tier discount</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="102"/>
        <source>会员</source>
        <translation>Member</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="114"/>
        <location filename="../../ui/dialogs/payment_dialog.py" line="117"/>
        <location filename="../../ui/dialogs/payment_dialog.py" line="217"/>
        <source>优惠券</source>
        <translation>Coupons</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="117"/>
        <source>无可用优惠券</source>
        <translation>No usable coupons</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="126"/>
        <source>可用 {0:,}，{1} 积分抵 ¥1</source>
        <translation>{0:,} usable, {1} points = ¥1</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="128"/>
        <location filename="../../ui/dialogs/payment_dialog.py" line="217"/>
        <source>积分抵扣</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="138"/>
        <source>补足</source>
        <translation>Rest</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="139"/>
        <source>把还需支付的金额填到这里</source>
        <translation>Put what is still to pay here</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="144"/>
        <source>储值（余 {0}）</source>
        <translation>Card ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="148"/>
        <source>赠送金（余 {0}）</source>
        <translation>Bonus ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="157"/>
        <source>支付方式</source>
        <translation>Methods</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="160"/>
        <source>多付部分作为预存（抵扣以后的费用）</source>
        <translation>Keep the excess as credit (for later charges)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="161"/>
        <source>多付部分存入储值卡</source>
        <translation>Put the excess on the stored-value card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="162"/>
        <source>多付</source>
        <translation>Excess</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="168"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="178"/>
        <source>确认收款</source>
        <translation>Take payment</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="199"/>
        <source>减 {0}</source>
        <translation>{0} off</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="201"/>
        <source>{0}% 折扣</source>
        <translation>{0}% off</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="203"/>
        <source>免费项目</source>
        <translation>free procedure</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="205"/>
        <source>满 {0} {1}</source>
        <translation>over {0}: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="206"/>
        <source>{0} · {1} · 至 {2:%Y-%m-%d}</source>
        <translation>{0} · {1} · until {2:%Y-%m-%d}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="216"/>
        <source>当前欠费</source>
        <translation>Owed now</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="216"/>
        <source>会员折扣</source>
        <translation>Tier discount</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="218"/>
        <source>折后应付</source>
        <translation>To pay</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="219"/>
        <source>本次实收</source>
        <translation>Paid now</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="219"/>
        <source>收款后欠费</source>
        <translation>Owed after</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="220"/>
        <source>本次得积分</source>
        <translation>Points earned</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="220"/>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="221"/>
        <source>储值余额</source>
        <translation>Stored value</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="221"/>
        <source>其中赠送金</source>
        <translation>of which bonus</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="298"/>
        <location filename="../../ui/dialogs/payment_dialog.py" line="330"/>
        <source>还需支付 {0}</source>
        <translation>{0} still to pay</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="314"/>
        <source>（{0:,} 积分）</source>
        <translation> ({0:,} points)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/payment_dialog.py" line="321"/>
        <source>{0}（预存 {1}）</source>
        <translation>{0} (credit {1})</translation>
    </message>
</context>
<context>
    <name>PeriodPicker</name>
    <message>
        <location filename="../../ui/widgets/period_picker.py" line="28"/>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/period_picker.py" line="28"/>
        <source>本周</source>
        <translation>This week</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/period_picker.py" line="29"/>
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/period_picker.py" line="29"/>
        <source>本季度</source>
        <translation>This quarter</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/period_picker.py" line="30"/>
        <source>本年</source>
        <translation>This year</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/period_picker.py" line="30"/>
        <source>自定义</source>
        <translation>Custom</translation>
    </message>
</context>
<context>
    <name>ProcedureDialog</name>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="51"/>
        <source>编辑诊疗项目</source>
        <translation>Edit procedure</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="51"/>
        <source>新增诊疗项目</source>
        <translation>Add procedure</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="65"/>
        <source>高值项目（种植、正畸、屈光手术等）</source>
        <translation>High-value procedure (implant, orthodontics, refractive surgery…)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="67"/>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="69"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="69"/>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="70"/>
        <source>默认时长（分钟）</source>
        <translation>Default duration (minutes)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="71"/>
        <source>价格（元）</source>
        <translation>Price (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="71"/>
        <source>颜色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="78"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="84"/>
        <source>价格“{0}”不是数字。</source>
        <translation>The price &quot;{0}&quot; is not a number.</translation>
    </message>
</context>
<context>
    <name>ProcedureTree</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/fields.py" line="205"/>
        <source>{0}（已停用）</source>
        <translation>{0} (retired)</translation>
    </message>
</context>
<context>
    <name>ProviderTemplatesTab</name>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="238"/>
        <source>参数写成“变量名=占位符”，与阿里云模板里的 ${{name}} 对应，例如 name=称呼, time=时间。可用占位符：{0}。</source>
        <translation>Write parameters as “variable=placeholder”, matching ${{name}} in the Alibaba Cloud template, e.g. name=称呼, time=时间. Placeholders: {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="241"/>
        <source>参数按腾讯云模板里 {{1}}、{{2}}… 的顺序填写占位符，例如 称呼, 时间。可用占位符：{0}。</source>
        <translation>List placeholders in the order of {{1}}, {{2}}… in the Tencent Cloud template, e.g. 称呼, 时间. Placeholders: {0}.</translation>
    </message>
</context>
<context>
    <name>ProviderTemplatesTable</name>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="54"/>
        <source>消息模板</source>
        <translation>Template</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="54"/>
        <source>服务商模板编号</source>
        <translation>Provider template ID</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="55"/>
        <source>参数（按服务商模板填写）</source>
        <translation>Parameters (as in the provider&apos;s template)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="111"/>
        <source>请填写“{0}”的服务商模板编号，或清空它的参数。</source>
        <translation>Enter the provider template ID for “{0}”, or clear its parameters.</translation>
    </message>
</context>
<context>
    <name>QueueMessageDialog</name>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="58"/>
        <source>发消息</source>
        <translation>Send message</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="62"/>
        <source>发消息给 {0}</source>
        <translation>Message to {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="76"/>
        <source>邮件渠道填写邮箱；短信默认用手机号</source>
        <translation>E-mail address for the e-mail channel; SMS uses the mobile number</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="80"/>
        <source>预览</source>
        <translation>Preview</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="81"/>
        <source>模板</source>
        <translation>Template</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="82"/>
        <source>渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="83"/>
        <source>收件人</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="84"/>
        <source>内容</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="87"/>
        <source>放入待发送</source>
        <translation>Queue</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="91"/>
        <source>复制并标记已发送</source>
        <translation>Copy and mark sent</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="93"/>
        <source>复制到剪贴板（粘贴到微信，或照着念），并在待发送中记为已发送。</source>
        <translation>Copy to the clipboard (paste it into WeChat, or read it out) and record it as sent.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/queue_message_dialog.py" line="123"/>
        <source>注意：“{0}”没有内容，发出的文字会缺这一处。</source>
        <translation>Note: “{0}” has no value; the text will have a gap there.</translation>
    </message>
</context>
<context>
    <name>RatesTable</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/fields.py" line="113"/>
        <source>项目类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/fields.py" line="162"/>
        <source>类别“{0}”出现了两次。</source>
        <translation>Category &quot;{0}&quot; is listed twice.</translation>
    </message>
</context>
<context>
    <name>ReceiptDialog</name>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="40"/>
        <source>收据</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="50"/>
        <source>保存 PDF…</source>
        <translation>Save PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="51"/>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="53"/>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="68"/>
        <source>冲正收据</source>
        <translation>Reversal receipt</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="68"/>
        <source>收款收据</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="69"/>
        <source>单号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="69"/>
        <source>患者</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="69"/>
        <source>收款人</source>
        <translation>Cashier</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="80"/>
        <source>冲正原收据</source>
        <translation>Reverses receipt</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="82"/>
        <source>项目</source>
        <translation>Items</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="83"/>
        <source>优惠</source>
        <translation>Discounts</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="84"/>
        <source>储值充值</source>
        <translation>Top-up</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="85"/>
        <source>支付</source>
        <translation>Paid by</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="86"/>
        <source>实收合计</source>
        <translation>Total paid</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="87"/>
        <source>收款后欠费</source>
        <translation>Owed after</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="88"/>
        <source>储值余额</source>
        <translation>Stored value</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="90"/>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="90"/>
        <source>本次 +{0} / −{1}，余 {2}</source>
        <translation>+{0} / −{1}, balance {2}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="96"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="98"/>
        <source>谢谢惠顾，祝您健康！</source>
        <translation>Thank you, and stay healthy!</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="126"/>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="134"/>
        <source>保存收据</source>
        <translation>Save receipt</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/receipt_dialog.py" line="135"/>
        <source>无法写入 {0}：请换一个文件夹。</source>
        <translation>Could not write {0}: choose another folder.</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="33"/>
        <source>恢复密钥</source>
        <translation>Recovery key</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="37"/>
        <source>请打印并锁好恢复密钥</source>
        <translation>Print the recovery key and lock it away</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="38"/>
        <source>这家诊所的数据库、附件和备份都已加密，密钥保存在本机。换电脑、重装系统或密钥丢失时，只有这把恢复密钥能打开数据：没有它，数据将无法找回。请现在打印（或保存为 PDF 后打印），放在诊所的保险柜里，不要存在这台电脑上。</source>
        <translation>This clinic&apos;s database, attachments and backups are encrypted, with the key kept on this PC. After a new PC, a re-installed system or a lost key, only this recovery key opens the data: without it the data cannot be recovered. Print it now (or save it as a PDF and print that), keep it in the clinic&apos;s safe, and do not store it on this PC.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="51"/>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="53"/>
        <source>保存为 PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="59"/>
        <source>我已打印或抄下恢复密钥，并会把它锁好</source>
        <translation>I have printed or copied the recovery key and will lock it away</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="63"/>
        <source>继续</source>
        <translation>Continue</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="77"/>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="102"/>
        <source>Clinic Desktop 恢复密钥</source>
        <translation>Clinic Desktop recovery key</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="84"/>
        <source>本机的密钥丢失时（换电脑、重装系统），在新电脑上打开诊所时输入这把恢复密钥，或运行：clinic-desktop unlock --recovery-key-file 文件（文件里写这把密钥）。请锁好，不要拍照或存在电脑上。</source>
        <translation>If the PC loses its key (a new PC, a re-installed system), type this recovery key when the clinic is opened, or run clinic-desktop unlock --recovery-key-file FILE (the file holding this key). Lock it away; do not photograph it or store it on a computer.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="96"/>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="107"/>
        <source>保存恢复密钥</source>
        <translation>Save the recovery key</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/recovery_key_dialog.py" line="108"/>
        <source>无法写入 {0}：请换一个文件夹。</source>
        <translation>Cannot write {0}: choose another folder.</translation>
    </message>
</context>
<context>
    <name>RedeemGiftDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="272"/>
        <source>积分兑换礼品</source>
        <translation>Exchange points for a gift</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="276"/>
        <source>{0}（{1:,} 积分）</source>
        <translation>{0} ({1:,} points)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="280"/>
        <source>积分不足</source>
        <translation>Not enough points</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="281"/>
        <source>可用积分 {0:,}</source>
        <translation>{0:,} points usable</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="283"/>
        <source>诊所还没有礼品清单：请经理在“会员与营销 → 积分与规则”中添加。</source>
        <translation>The clinic has no gift list yet: a manager adds it under Loyalty → Points &amp; rules.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="285"/>
        <source>礼品</source>
        <translation>Gift</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="287"/>
        <source>兑换</source>
        <translation>Exchange</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="291"/>
        <source>请选择礼品。</source>
        <translation>Choose a gift.</translation>
    </message>
</context>
<context>
    <name>ReferralTab</name>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="311"/>
        <source>名次</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="313"/>
        <source>介绍人</source>
        <translation>Referrer</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="314"/>
        <source>编号</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="315"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="316"/>
        <source>介绍人数</source>
        <translation>Referred</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="318"/>
        <source>带来收入</source>
        <translation>Revenue</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="324"/>
        <source>双击打开患者资料</source>
        <translation>Double-click to open the patient</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="327"/>
        <source>还没有转介绍记录。在患者资料中填写“介绍人”（或预约时选择渠道“转介绍”），这里会按介绍人数和带来的收入排名。</source>
        <translation>No referrals yet. Fill in &quot;Referred by&quot; on a patient (or book with the channel Referral); referrers are ranked here by patients brought and their revenue.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="336"/>
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="337"/>
        <source>发放</source>
        <translation>Given</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="339"/>
        <source>使用</source>
        <translation>Redeemed</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="341"/>
        <source>过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="349"/>
        <source>介绍人排行</source>
        <translation>Top referrers</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="352"/>
        <source>积分（近 12 个月）</source>
        <translation>Points (last 12 months)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="362"/>
        <source>yyyy年M月</source>
        <translation>MMM yyyy</translation>
    </message>
    <message>
        <location filename="../../ui/pages/loyalty_page.py" line="385"/>
        <source>合计：发放 {0}，使用 {1}，过期 {2}</source>
        <translation>Total: {0} given, {1} redeemed, {2} expired</translation>
    </message>
</context>
<context>
    <name>ReferrerPicker</name>
    <message>
        <location filename="../../ui/widgets/referrer_picker.py" line="63"/>
        <source>介绍人</source>
        <translation>Referrer</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/referrer_picker.py" line="67"/>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/referrer_picker.py" line="68"/>
        <source>不再记录这位介绍人</source>
        <translation>Stop recording this referrer</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/referrer_picker.py" line="75"/>
        <source>转介绍来的患者：请选择介绍人（不清楚可留空）</source>
        <translation>Came by referral: choose the referrer (may be left blank)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/referrer_picker.py" line="172"/>
        <source>搜索介绍人：姓名、拼音首字母、手机号</source>
        <translation>Find referrer: name, pinyin initials, phone</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/referrer_picker.py" line="173"/>
        <source>转介绍：搜索介绍人的姓名、拼音或手机号</source>
        <translation>Referral: find the referrer by name, pinyin or phone</translation>
    </message>
</context>
<context>
    <name>RefundPackageDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="199"/>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="218"/>
        <source>退套餐</source>
        <translation>Refund package</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="206"/>
        <source>不退钱，留在账上（抵欠费或作预存）</source>
        <translation>No money back: keep it on the account (less owed, or credit)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="207"/>
        <source>例如：患者搬家</source>
        <translation>e.g. the patient moved away</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="208"/>
        <source>{0}：剩余 {1} / {2} 次，售价 {3}。</source>
        <translation>{0}: {1} of {2} uses left, sold for {3}.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="210"/>
        <source>最多可退 {0}（剩余次数按比例），少退即扣手续费。</source>
        <translation>Up to {0} back (the uses left&apos;s share); less keeps a fee.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="212"/>
        <source>套餐没付清的部分冲减欠费，只退付过的钱。</source>
        <translation>What was not paid for the package comes off what is owed; only money paid goes back.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="213"/>
        <source>退款金额（元）</source>
        <translation>Amount (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="214"/>
        <source>退款方式</source>
        <translation>Paid back by</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="215"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="221"/>
        <source>退款金额</source>
        <translation>Amount</translation>
    </message>
</context>
<context>
    <name>RefundStoredValueDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="118"/>
        <source>退还储值</source>
        <translation>Pay stored value back</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="122"/>
        <source>例如：患者搬家，退卡</source>
        <translation>e.g. the patient moved away</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="123"/>
        <source>可退本金 {0}；赠送金 {1} 不退，随退款按比例作废。</source>
        <translation>Principal {0} can be paid back; the bonus {1} is not paid out and lapses in proportion.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="125"/>
        <source>退款金额（元）</source>
        <translation>Amount (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="126"/>
        <source>退款方式</source>
        <translation>Paid back by</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="127"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="129"/>
        <source>退款</source>
        <translation>Pay back</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="132"/>
        <source>退款金额</source>
        <translation>Amount</translation>
    </message>
</context>
<context>
    <name>RemoteChanges</name>
    <message>
        <location filename="../../ui/remote_changes.py" line="38"/>
        <source>正在连接服务器……</source>
        <translation>Connecting to the server…</translation>
    </message>
    <message>
        <location filename="../../ui/remote_changes.py" line="57"/>
        <source>⚠ 与服务器的连接中断，正在重新连接……</source>
        <translation>⚠ Connection to the server lost, reconnecting…</translation>
    </message>
    <message>
        <location filename="../../ui/remote_changes.py" line="58"/>
        <source>其他工作站的更改暂时不会显示；恢复连接后会自动刷新。这期间的保存会在连接恢复后才能完成。</source>
        <translation>Other workstations&apos; changes do not show for now; everything refreshes once the connection is back. Saving waits until then.</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="88"/>
        <source>结束日期早于开始日期。</source>
        <translation>The end date is before the start date.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="91"/>
        <source>正在计算…</source>
        <translation>Calculating…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="208"/>
        <location filename="../../ui/pages/reports_page.py" line="256"/>
        <source>导出表格</source>
        <translation>Export Excel</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="209"/>
        <location filename="../../ui/pages/reports_page.py" line="270"/>
        <source>导出PDF</source>
        <translation>Export PDF</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="210"/>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="218"/>
        <source>日结</source>
        <translation>Daily closing</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="219"/>
        <source>医生业绩</source>
        <translation>Doctors</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="220"/>
        <source>预约统计</source>
        <translation>Appointments</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="261"/>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="264"/>
        <location filename="../../ui/pages/reports_page.py" line="274"/>
        <source>已导出。</source>
        <translation>Exported.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/reports_page.py" line="291"/>
        <source>日常报表</source>
        <translation>Reports</translation>
    </message>
</context>
<context>
    <name>RescheduleDialog</name>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="303"/>
        <source>改约：{0}</source>
        <translation>Reschedule: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="315"/>
        <source>{0} 分钟</source>
        <translation>{0} min</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="318"/>
        <source>原时间</source>
        <translation>Was</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="320"/>
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="321"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="322"/>
        <source>时长</source>
        <translation>Duration</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="331"/>
        <source>改约</source>
        <translation>Reschedule</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="59"/>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="78"/>
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="63"/>
        <source>为 {0}（{1}）设置新密码</source>
        <translation>New password for {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="65"/>
        <source>重置后账号锁定随即解除。</source>
        <translation>Resetting also lifts a lockout.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="68"/>
        <source>下次登录时必须改成自己的密码</source>
        <translation>Must choose their own password at next sign-in</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="70"/>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="72"/>
        <source>确认新密码</source>
        <translation>Confirm new password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/settings_dialogs.py" line="83"/>
        <source>两次输入的新密码不一致。</source>
        <translation>The two new passwords do not match.</translation>
    </message>
</context>
<context>
    <name>ResolveComplaintDialog</name>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="50"/>
        <source>处理投诉</source>
        <translation>Resolve complaint</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="55"/>
        <source>已解决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="56"/>
        <source>处理中</source>
        <translation>Being handled</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="58"/>
        <source>例如：已电话致歉，下次就诊免挂号费</source>
        <translation>e.g. apologised by phone, next registration free</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="60"/>
        <source>患者</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="61"/>
        <source>投诉内容</source>
        <translation>Complaint</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="62"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="63"/>
        <source>处理结果</source>
        <translation>Resolution</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/complaints_tab.py" line="65"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="201"/>
        <location filename="../../ui/dialogs/backup_dialog.py" line="203"/>
        <location filename="../../ui/dialogs/backup_dialog.py" line="264"/>
        <location filename="../../ui/dialogs/backup_dialog.py" line="270"/>
        <source>从备份恢复</source>
        <translation>Restore from backup</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="204"/>
        <source>恢复时，当前数据库另存为 clinic.sqlite3.before-restore-日期（不会删除），所选备份放回原处，它用到的附件一并取回。完成后 Clinic Desktop 会关闭，请重新打开。</source>
        <translation>The current database is kept as clinic.sqlite3.before-restore-date (never deleted), the chosen backup takes its place and its attachments are brought back. Clinic Desktop then closes; start it again.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="206"/>
        <source>已校验</source>
        <translation>Verified</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="206"/>
        <source>损坏</source>
        <translation>Bad</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="206"/>
        <source>未校验</source>
        <translation>Not verified</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="207"/>
        <source>每日</source>
        <translation>Daily</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="207"/>
        <source>退出时</source>
        <translation>At exit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="207"/>
        <source>手动</source>
        <translation>Manual</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="208"/>
        <source>升级前</source>
        <translation>Pre-upgrade</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="210"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="212"/>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="213"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="215"/>
        <source>患者</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="217"/>
        <source>最近就诊</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="218"/>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="220"/>
        <source>位置</source>
        <translation>Folder</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="231"/>
        <location filename="../../ui/dialogs/backup_dialog.py" line="247"/>
        <source>选择一份备份，查看其中的内容。</source>
        <translation>Choose a backup to see what it holds.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="234"/>
        <source>恢复…</source>
        <translation>Restore…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="250"/>
        <source>{0}：没有校验记录（升级前自动保存的副本）。</source>
        <translation>{0}: no verification record (a copy taken before an upgrade).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="253"/>
        <source>{0}：{1} 位患者，最近一次就诊 {2}。</source>
        <translation>{0}: {1} patients, last visit {2}.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="256"/>
        <source>这份备份校验失败，不能用于恢复。</source>
        <translation>This backup failed verification and cannot be restored.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="265"/>
        <source>这份备份校验失败，不能用于恢复。请选择另一份。</source>
        <translation>This backup failed verification and cannot be restored. Choose another.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/backup_dialog.py" line="268"/>
        <source>用 {0} 的备份替换当前数据库？

备份中有 {1} 位患者，最近一次就诊 {2}。此后录入的数据不在其中（当前数据库会另存一份，不会删除）。完成后 Clinic Desktop 会关闭。</source>
        <translation>Replace the current database with the backup of {0}?

It holds {1} patients, last visit {2}. Anything entered since is not in it (the current database is kept, never deleted). Clinic Desktop then closes.</translation>
    </message>
</context>
<context>
    <name>RetentionTab</name>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="90"/>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="164"/>
        <source>来源漏斗</source>
        <translation>Source funnel</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="91"/>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="172"/>
        <source>留存队列</source>
        <translation>Cohorts</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="93"/>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="178"/>
        <source>活跃/沉睡/流失</source>
        <translation>Active/dormant/lost</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="121"/>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="173"/>
        <source>首诊月份</source>
        <translation>First visit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="121"/>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="173"/>
        <source>人数</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="122"/>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="174"/>
        <source>+{k}月</source>
        <translation>+{k} mo</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="132"/>
        <source>{n} 人</source>
        <translation>{n} patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="150"/>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="163"/>
        <source>新患者</source>
        <translation>New patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="154"/>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="179"/>
        <source>活跃</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="155"/>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="180"/>
        <source>沉睡</source>
        <translation>Dormant</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="156"/>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="180"/>
        <source>流失</source>
        <translation>Lost</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="157"/>
        <source>患者数（月末）</source>
        <translation>Patients (month end)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="165"/>
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="166"/>
        <source>首诊</source>
        <translation>First visit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="166"/>
        <source>首诊转化</source>
        <translation>Converted</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="167"/>
        <source>半年内复诊</source>
        <translation>Back in 6 mo</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="167"/>
        <source>复诊率</source>
        <translation>Return rate</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="168"/>
        <source>高价值治疗</source>
        <translation>High value</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="169"/>
        <source>营业额（元）</source>
        <translation>Revenue (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard/retention_tab.py" line="179"/>
        <source>月份</source>
        <translation>Month</translation>
    </message>
</context>
<context>
    <name>ReverseCheckoutDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="356"/>
        <source>冲正收款</source>
        <translation>Reverse a payment</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="358"/>
        <source>例如：收错金额，重新收款</source>
        <translation>e.g. wrong amount, taking it again</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="360"/>
        <source>冲正会写入相反的账目、退回积分和优惠券；原记录保留。</source>
        <translation>A reversal writes opposite entries and gives points and coupons back; the original stays.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="362"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="364"/>
        <source>冲正</source>
        <translation>Reverse</translation>
    </message>
</context>
<context>
    <name>RunStep</name>
    <message>
        <location filename="../../ui/dialogs/import_wizard/run_step.py" line="15"/>
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/run_step.py" line="19"/>
        <source>可以随时取消：取消后本次导入不会留下任何数据。</source>
        <translation>You can cancel at any time: a cancelled import leaves nothing behind.</translation>
    </message>
</context>
<context>
    <name>SchedulerDialog</name>
    <message>
        <location filename="../../ui/dialogs/scheduler_dialog.py" line="23"/>
        <source>定时任务</source>
        <translation>Scheduled jobs</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/scheduler_dialog.py" line="26"/>
        <source>定时任务由一台工作站运行</source>
        <translation>One workstation runs the scheduled jobs</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/scheduler_dialog.py" line="27"/>
        <source>回访扫描、每晚的会员任务和自动消息只由一台工作站运行（状态栏显示是哪一台）。它关闭或断线后，另一台工作站在下面的时间内接管，任务不会重复也不会遗漏。</source>
        <translation>The callback scans, the nightly membership jobs and automatic messages run on one workstation only (the status bar says which). When it closes or loses its connection, another workstation takes over within the time below; no job runs twice and none is missed.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/scheduler_dialog.py" line="32"/>
        <source> 秒</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/scheduler_dialog.py" line="36"/>
        <source>接管时间</source>
        <translation>Takeover time</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/scheduler_dialog.py" line="38"/>
        <source>各工作站下次启动程序时按新的时间执行。时间越短接管越快，但服务器一时繁忙也可能被当成断线而换一台运行。</source>
        <translation>Each workstation uses the new time when the program next starts. A shorter time means a faster takeover, but a server that is busy for a moment may then be taken for a lost connection and the jobs move to another workstation.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/scheduler_dialog.py" line="42"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>SchedulerRoleLabel</name>
    <message>
        <location filename="../../ui/care_monitor.py" line="88"/>
        <source>⏱ 本机运行定时任务</source>
        <translation>⏱ This workstation runs the scheduled jobs</translation>
    </message>
    <message>
        <location filename="../../ui/care_monitor.py" line="90"/>
        <source>到期回访、自动消息、夜间会员结算和看板统计等定时任务由这台工作站运行。关闭它后，另一台开着的工作站会自动接手。</source>
        <translation>Scheduled jobs (callbacks falling due, automatic messages, the nightly loyalty run, the dashboard figures) run on this workstation. When it is closed, another workstation that is on takes them over by itself.</translation>
    </message>
    <message>
        <location filename="../../ui/care_monitor.py" line="93"/>
        <source>⏱ 定时任务由另一台工作站运行</source>
        <translation>⏱ Scheduled jobs run on another workstation</translation>
    </message>
    <message>
        <location filename="../../ui/care_monitor.py" line="95"/>
        <source>到期回访、自动消息等定时任务由另一台工作站运行；它关闭或断开后，这台工作站会自动接手。</source>
        <translation>Scheduled jobs (callbacks falling due, automatic messages…) run on another workstation; if it closes or loses its connection, this workstation takes them over by itself.</translation>
    </message>
</context>
<context>
    <name>SecurityDialog</name>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="23"/>
        <location filename="../../ui/dialogs/security_dialog.py" line="25"/>
        <source>安全设置</source>
        <translation>Security</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="26"/>
        <source>数据加密保护离开诊所的电脑和备份；自动锁定保护无人看管的前台。</source>
        <translation>Encryption protects a PC or backup that leaves the clinic; the idle lock protects an unattended desk.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="29"/>
        <source>系统密钥环</source>
        <translation>the system keyring</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="30"/>
        <source>本机的密钥文件（仅本用户可读）</source>
        <translation>a key file on this PC (this user only)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="31"/>
        <source>启动口令（每次打开时输入）</source>
        <translation>the start-up passphrase (typed at each start)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="32"/>
        <source>--key-file 指定的文件</source>
        <translation>the file given with --key-file</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="34"/>
        <source>已加密（SQLCipher + AES-GCM 附件）；密钥保存在{0}。</source>
        <translation>Encrypted (SQLCipher, AES-GCM attachments); the key is kept in {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="37"/>
        <source>未加密。关闭程序后在命令行运行 clinic-desktop encrypt 加密（会显示恢复密钥，请打印保存）。</source>
        <translation>Not encrypted. Close the app and run clinic-desktop encrypt (it shows a recovery key: print it and keep it).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="41"/>
        <source>数据加密</source>
        <translation>Encryption</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="42"/>
        <source>只有本用户可以打开。</source>
        <translation>Only this user can open it.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="43"/>
        <source>其他用户也能打开：{0}</source>
        <translation>Other users can open: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="46"/>
        <source>数据文件夹</source>
        <translation>Data folder</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="49"/>
        <source> 分钟</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="50"/>
        <source>不自动锁定</source>
        <translation>Never</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="52"/>
        <source>无操作自动锁定</source>
        <translation>Lock after idle</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/security_dialog.py" line="56"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>SegmentsPage</name>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="115"/>
        <location filename="../../ui/pages/segments_page.py" line="311"/>
        <location filename="../../ui/pages/segments_page.py" line="503"/>
        <source>患者分群</source>
        <translation>Segments</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="116"/>
        <source>按条件筛选患者，保存常用分群，对分群发起回访、消息、优惠券等营销活动并查看效果。</source>
        <translation>Filter patients, save segments, act on them with callbacks, messages or coupons, and see what it brought back.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="119"/>
        <source>筛选患者</source>
        <translation>Filter</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="120"/>
        <source>RFM 与活跃度</source>
        <translation>RFM &amp;&amp; activity</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="121"/>
        <location filename="../../ui/pages/segments_page.py" line="337"/>
        <location filename="../../ui/pages/segments_page.py" line="491"/>
        <source>营销活动</source>
        <translation>Campaigns</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="143"/>
        <source>常用：</source>
        <translation>Built-in:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="153"/>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="155"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="157"/>
        <source>保存分群…</source>
        <translation>Save…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="159"/>
        <source>已保存：</source>
        <translation>Saved:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="168"/>
        <source>查看名单</source>
        <translation>Show list</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="170"/>
        <source>导出 Excel…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="172"/>
        <source>新建营销活动…</source>
        <translation>New campaign…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="200"/>
        <source>正在计算…</source>
        <translation>Counting…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="207"/>
        <location filename="../../ui/pages/segments_page.py" line="228"/>
        <source>条件有误</source>
        <translation>Check the criteria</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="224"/>
        <location filename="../../ui/pages/segments_page.py" line="241"/>
        <source>共 {0} 人</source>
        <translation>{0} patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="243"/>
        <source>名单只显示前 {0} 人；导出 Excel 可得到全部。</source>
        <translation>Showing the first {0}; export for all.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="282"/>
        <source>保存分群</source>
        <translation>Save segment</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="282"/>
        <source>分群名称：</source>
        <translation>Segment name:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="299"/>
        <source>删除分群</source>
        <translation>Delete segment</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="300"/>
        <source>删除分群“{0}”？用它发起过的活动保留各自的条件。</source>
        <translation>Delete segment “{0}”? Campaigns started from it keep their criteria.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="310"/>
        <location filename="../../ui/pages/segments_page.py" line="318"/>
        <source>导出分群</source>
        <translation>Export segment</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="319"/>
        <source>已导出 {0} 人。</source>
        <translation>{0} patients exported.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="331"/>
        <source>自定义分群</source>
        <translation>Custom segment</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="338"/>
        <source>活动已开始：{0} 人中 {1} 人留作对照组，执行 {2} 项。</source>
        <translation>Campaign started: {0} patients, {1} held out, {2} actions.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="340"/>
        <source>
跳过：{0}</source>
        <translation>
Skipped: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="352"/>
        <source> 个月</source>
        <translation> months</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="353"/>
        <source>计算</source>
        <translation>Compute</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="355"/>
        <source>统计最近</source>
        <translation>Last</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="361"/>
        <source>R 最近就诊、F 就诊次数、M 消费金额，按五分位打 1–5 分，3 分及以上为“高”。双击一组查看名单。</source>
        <translation>R recency, F visits, M spend, scored 1–5 by quintile; 3 or more is high. Double-click a group for its patients.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="392"/>
        <source>活跃 {0} 人 · 沉睡 {1} 人（{4} 个月以上未到诊）· 流失 {2} 人（{5} 个月以上） · 从未就诊 {3} 人</source>
        <translation>Active {0} · dormant {1} ({4}+ months) · lost {2} ({5}+ months) · never seen {3}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="431"/>
        <source>对新符合条件的患者再次执行</source>
        <translation>Run for new matches</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="463"/>
        <source>观察期已结束</source>
        <translation>complete</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="463"/>
        <source>观察期进行中，截至今天</source>
        <translation>so far</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="465"/>
        <source>{0}：{1}。观察期 {2} 至 {3}（{4}）。回访任务：未完成 {5}，已完成 {6}。</source>
        <translation>{0}: {1}. Window {2} to {3} ({4}). Tasks: {5} open, {6} done.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="468"/>
        <source>组别</source>
        <translation>Group</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="468"/>
        <source>人数</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="468"/>
        <source>预约人数</source>
        <translation>Booked</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="468"/>
        <source>预约率</source>
        <translation>Booked %</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="469"/>
        <source>到诊人次</source>
        <translation>Visits</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="469"/>
        <source>收入</source>
        <translation>Revenue</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="469"/>
        <source>人均收入</source>
        <translation>Per patient</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="474"/>
        <source>执行组</source>
        <translation>Acted on</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="475"/>
        <source>对照组</source>
        <translation>Held out</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="480"/>
        <source>预约率提升 {0:+.1%}</source>
        <translation>Booking lift {0:+.1%}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="481"/>
        <source>没有对照组，无法计算提升。</source>
        <translation>No hold-out: no lift to show.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments_page.py" line="492"/>
        <source>新加入 {0} 人，执行 {1} 项。</source>
        <translation>{0} patients added, {1} actions.</translation>
    </message>
</context>
<context>
    <name>SellPackageDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="167"/>
        <source>购买套餐卡</source>
        <translation>Sell a package card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="172"/>
        <source>{0}（{1}，{2} 次，{3} 天内有效）</source>
        <translation>{0} ({1}, {2} uses, {3} days)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="176"/>
        <source>售出后立即收款</source>
        <translation>Take the payment next</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="179"/>
        <source>还没有套餐：请经理在“会员与营销”中添加。</source>
        <translation>No packages yet: a manager adds them under Loyalty.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="180"/>
        <source>套餐</source>
        <translation>Package</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="181"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="184"/>
        <source>售出</source>
        <translation>Sell</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="188"/>
        <source>请选择套餐。</source>
        <translation>Choose a package.</translation>
    </message>
</context>
<context>
    <name>ServerDialog</name>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="42"/>
        <source>连接诊所的服务器</source>
        <translation>Connect to the clinic&apos;s server</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="46"/>
        <source>连接服务器</source>
        <translation>Connect to a server</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="47"/>
        <source>诊所有多台电脑时，数据放在一台 PostgreSQL 服务器上，每台电脑都连接它。请向负责电脑的同事要以下信息。</source>
        <translation>When a clinic has several computers, its data is on one PostgreSQL server that every computer connects to. Ask the colleague in charge of the computers for the details below.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="50"/>
        <source>例如 192.168.1.10 或 db.clinic.lan</source>
        <translation>e.g. 192.168.1.10 or db.clinic.lan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="59"/>
        <source>可不填：诊所自己的证书颁发机构（CA）文件</source>
        <translation>Optional: the clinic&apos;s own certificate authority (CA) file</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="60"/>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="67"/>
        <location filename="../../ui/dialogs/server_dialog.py" line="98"/>
        <source>服务器地址</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="68"/>
        <source>端口</source>
        <translation>Port</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="69"/>
        <location filename="../../ui/dialogs/server_dialog.py" line="99"/>
        <source>数据库</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="70"/>
        <location filename="../../ui/dialogs/server_dialog.py" line="100"/>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="71"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="72"/>
        <source>证书</source>
        <translation>Certificate</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="74"/>
        <source>不在本机的服务器一律加密连接并验证证书；密码保存在系统密钥环中，不写入任何文件。</source>
        <translation>A server on another computer is always reached over an encrypted connection with its certificate checked; the password is kept in the system keyring, never in a file.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="83"/>
        <source>连接</source>
        <translation>Connect</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="92"/>
        <source>选择 CA 证书</source>
        <translation>Choose the CA certificate</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="92"/>
        <source>证书 (*.pem *.crt *.cer);;所有文件 (*)</source>
        <translation>Certificates (*.pem *.crt *.cer);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="102"/>
        <source>请填写{0}。</source>
        <translation>Please fill in {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="119"/>
        <source>{0}（加密）</source>
        <translation>{0} (encrypted)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="120"/>
        <source>正在连接 {0}……</source>
        <translation>Connecting to {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="136"/>
        <source>登录成功，但这台电脑没有系统密钥环，密码无法安全保存。请让负责电脑的同事用 PostgreSQL 的密码文件（pgpass）设置。</source>
        <translation>Signed in, but this computer has no system keyring to keep the password safely. Ask the colleague in charge of the computers to set it up with PostgreSQL&apos;s password file (pgpass).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="141"/>
        <source>已连接。</source>
        <translation>Connected.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/server_dialog.py" line="142"/>
        <source>已连接：服务器上还没有诊所，接下来请建立诊所。</source>
        <translation>Connected: the server has no clinic yet; set it up next.</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="26"/>
        <source>欢迎使用 Clinic Desktop</source>
        <translation>Welcome to Clinic Desktop</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="34"/>
        <source>设置您的诊所</source>
        <translation>Set up your clinic</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="35"/>
        <source>第一次使用：请填写诊所信息并创建管理员账号。以后可以在“设置”中修改。</source>
        <translation>First start: enter the clinic&apos;s details and create the administrator account. You can change them later under Settings.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="40"/>
        <source>例如：仁爱口腔门诊部</source>
        <translation>e.g. Ren&apos;ai Dental Clinic</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="46"/>
        <source>登录用，例如 admin</source>
        <translation>for signing in, e.g. admin</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="48"/>
        <source>例如：王院长</source>
        <translation>e.g. Dr Wang</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="53"/>
        <source>诊所名称</source>
        <translation>Clinic name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="54"/>
        <source>时区</source>
        <translation>Time zone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="55"/>
        <source>管理员用户名</source>
        <translation>Administrator username</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="56"/>
        <source>管理员姓名</source>
        <translation>Administrator name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="57"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="59"/>
        <source>确认密码</source>
        <translation>Confirm password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="67"/>
        <source>创建诊所</source>
        <translation>Create clinic</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="67"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="69"/>
        <source>连接诊所的服务器…</source>
        <translation>Connect to the clinic&apos;s server…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="72"/>
        <source>诊所已在服务器上使用 Clinic Desktop：这台电脑连接它，不新建诊所</source>
        <translation>The clinic already uses Clinic Desktop on a server: connect this computer to it instead of creating a clinic</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/setup_dialog.py" line="88"/>
        <source>两次输入的密码不一致。</source>
        <translation>The two passwords do not match.</translation>
    </message>
</context>
<context>
    <name>ShareStoredValueDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="144"/>
        <source>家庭共享储值</source>
        <translation>Share a family card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="147"/>
        <source>使用自己的储值卡</source>
        <translation>Their own card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="152"/>
        <source>只有自己的储值卡已用完的患者才能加入家人的储值卡。</source>
        <translation>Only a patient whose own card is empty can join a relative&apos;s card.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="153"/>
        <source>使用谁的储值卡</source>
        <translation>Spend the card of</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="155"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../ui/dialogs/shortcuts_dialog.py" line="19"/>
        <source>键盘快捷键</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shortcuts_dialog.py" line="22"/>
        <source>任何页面</source>
        <translation>Any page</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shortcuts_dialog.py" line="22"/>
        <source>预约</source>
        <translation>Calendar</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shortcuts_dialog.py" line="23"/>
        <source>患者</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shortcuts_dialog.py" line="25"/>
        <source>按键</source>
        <translation>Keys</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shortcuts_dialog.py" line="25"/>
        <source>页面</source>
        <translation>Page</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shortcuts_dialog.py" line="25"/>
        <source>作用</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shortcuts_dialog.py" line="36"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>SlotFinder</name>
    <message>
        <location filename="../../ui/calendar/booking_parts.py" line="130"/>
        <source>查找空档</source>
        <translation>Find free slots</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_parts.py" line="131"/>
        <source>任意医生</source>
        <translation>Any doctor</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/booking_parts.py" line="132"/>
        <source>14 天内没有合适的空档。</source>
        <translation>No free slot in the next 14 days.</translation>
    </message>
</context>
<context>
    <name>SmsProviderForm</name>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="138"/>
        <location filename="../../ui/pages/sms_provider_form.py" line="142"/>
        <source>留空则不修改</source>
        <translation>leave empty to keep</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="144"/>
        <source>审核通过的签名，例如 康宁口腔</source>
        <translation>The approved signature, e.g. 康宁口腔</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="146"/>
        <source>例如 1400006666</source>
        <translation>e.g. 1400006666</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="149"/>
        <source>留空即用服务商的官方地址</source>
        <translation>Empty: the provider&apos;s official endpoint</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="150"/>
        <source>短信服务商</source>
        <translation>SMS provider</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="151"/>
        <source>短信网关地址</source>
        <translation>SMS gateway URL</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="152"/>
        <source>网关令牌</source>
        <translation>Gateway token</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="155"/>
        <source>短信签名</source>
        <translation>Signature (签名)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="157"/>
        <source>地域</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="158"/>
        <source>接口地址（可选）</source>
        <translation>Endpoint (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="188"/>
        <source>通用 HTTP 短信网关：号码和短信内容以 JSON 发送，令牌放在请求头中。</source>
        <translation>Generic HTTP SMS gateway: the number and text are sent as JSON, the token in a request header.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="189"/>
        <source>在阿里云短信控制台申请签名和模板，审核通过后把模板编号（SMS_…）填到“短信模板对应”里。建议为诊所单独建一个只有短信权限的 RAM 用户。</source>
        <translation>Apply for a signature and templates in the Alibaba Cloud SMS console; once approved, enter the template codes (SMS_…) under SMS templates. Best use a RAM user that may only send SMS.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sms_provider_form.py" line="191"/>
        <source>在腾讯云短信控制台创建应用（SmsSdkAppId）、签名和正文模板，审核通过后把模板 ID 填到“短信模板对应”里。建议使用只有短信权限的子用户密钥。</source>
        <translation>Create an application (SmsSdkAppId), a signature and templates in the Tencent Cloud SMS console; once approved, enter the template IDs under SMS templates. Best use a sub-user key that may only send SMS.</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="30"/>
        <source>编辑员工</source>
        <translation>Edit staff member</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="30"/>
        <source>新增员工</source>
        <translation>Add staff</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="44"/>
        <source>出诊医生（在预约日历中显示一列）</source>
        <translation>Doctor (has a column in the appointment calendar)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="48"/>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="58"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="59"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="60"/>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="62"/>
        <source>日历颜色</source>
        <translation>Calendar colour</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="63"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="66"/>
        <source>初始密码</source>
        <translation>Initial password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/staff_dialog.py" line="73"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <location filename="../../ui/app.py" line="110"/>
        <source>Clinic Desktop</source>
        <translation>Clinic Desktop</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="172"/>
        <source>升级服务器数据库</source>
        <translation>Upgrade the server database</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="173"/>
        <source>已经在服务器上备份了数据库吗？选“是”立即升级（无法撤销）。</source>
        <translation>Has the server&apos;s database been backed up? Choose Yes to upgrade now (this cannot be undone).</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="200"/>
        <source>设置启动口令</source>
        <translation>Set a start-up passphrase</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="206"/>
        <source>再输入一次：</source>
        <translation>Type it again:</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="212"/>
        <source>两次输入的口令不一致（或为空），请重新设置。</source>
        <translation>The passphrases differ (or are empty): set it again.</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="222"/>
        <source>启动口令连续 3 次不对，Clinic Desktop 已关闭。</source>
        <translation>Wrong start-up passphrase three times: Clinic Desktop has closed.</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="285"/>
        <source>数据库已损坏</source>
        <translation>The database is damaged</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="367"/>
        <source>从备份恢复</source>
        <translation>Restore from backup</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="376"/>
        <source>当前数据库未被改动。Clinic Desktop 将关闭，请重新打开。</source>
        <translation>The current database was not changed. Clinic Desktop will close; start it again.</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="379"/>
        <source>已恢复：{0} 位患者，最近一次就诊 {1}。原来的数据库保留为 {2}。Clinic Desktop 将关闭，请重新打开。</source>
        <translation>Restored: {0} patients, last visit {1}. The previous database is kept as {2}. Clinic Desktop will close; start it again.</translation>
    </message>
</context>
<context>
    <name>StepsTable</name>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="74"/>
        <source>数量</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="74"/>
        <source>单位</source>
        <translation>Unit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="74"/>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="74"/>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="74"/>
        <source>负责</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="75"/>
        <source>优先级</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="75"/>
        <source>复查窗口(天)</source>
        <translation>Window</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="75"/>
        <source>消息模板</source>
        <translation>Template</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="76"/>
        <source>提前通知(天)</source>
        <translation>Notice</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="77"/>
        <source>“消息”步骤自动发送的模板（默认：自动消息设置里关怀消息的模板）</source>
        <translation>The template a “message” step sends (default: the care message template in Automatic messages)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="78"/>
        <source>复查前几天自动发复查通知（默认：按自动消息设置；0：不发）</source>
        <translation>Days before the recall its notice goes (default: Automatic messages; 0: none)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="125"/>
        <location filename="../../ui/pages/care_plan_steps.py" line="141"/>
        <source>默认</source>
        <translation>Default</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="177"/>
        <source>第 {0} 步缺少标题。</source>
        <translation>Step {0} has no title.</translation>
    </message>
</context>
<context>
    <name>SummaryView</name>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="37"/>
        <source>新患者</source>
        <translation>New patients</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="38"/>
        <source>合并到已有患者</source>
        <translation>Merged into existing</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="39"/>
        <source>就诊记录</source>
        <translation>Visits</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="40"/>
        <source>付款记录</source>
        <translation>Payments</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="41"/>
        <source>回访任务</source>
        <translation>Care tasks</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="41"/>
        <source>被拒绝的行</source>
        <translation>Rejected rows</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="42"/>
        <source>已导入过的行</source>
        <translation>Already imported</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="43"/>
        <source>空行</source>
        <translation>Blank rows</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="44"/>
        <source>合计行</source>
        <translation>Total rows</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="45"/>
        <source>介绍人关联</source>
        <translation>Referrers linked</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="71"/>
        <source>回访任务只为 30 天前起到期的复查和回访建立；更早到期的 {0} 个已略过，不会涌入回访清单。</source>
        <translation>Care tasks are created only for calls and checks due from 30 days ago onward; {0} older ones were left out rather than flooding the callback list.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="74"/>
        <source>新建的回访任务中有 {0} 个复查已由文件中的后续就诊完成（直接关闭，不上回访清单）。</source>
        <translation>Of the new care tasks, {0} recalls were already kept by a later visit in the file (closed, not on the callback list).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="79"/>
        <source>新增项目 {0} 个</source>
        <translation>new procedures: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="81"/>
        <source>新建停用医生 {0} 位</source>
        <translation>new inactive doctors: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="83"/>
        <source>新建标签 {0} 个</source>
        <translation>new tags: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="85"/>
        <source>新建会员等级 {0} 个</source>
        <translation>new member tiers: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="87"/>
        <source>（撤销导入时一并删除）。</source>
        <translation> (removed again by an undo).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="87"/>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="92"/>
        <source>未导入的列：{0}</source>
        <translation>Columns not imported: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="101"/>
        <source>储值 ¥{0}（{1} 位）</source>
        <translation>stored value ¥{0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="104"/>
        <source>欠费 ¥{0}（{1} 位）</source>
        <translation>owed ¥{0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="106"/>
        <source>积分 {0}（{1} 位）</source>
        <translation>points {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="108"/>
        <source>会员等级 {0} 位</source>
        <translation>tiers {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="111"/>
        <source>期初余额：{0}（撤销导入时一并删除）。</source>
        <translation>Opening balances: {0} (removed if the import is undone).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="114"/>
        <source>被拒绝的行（{0}）</source>
        <translation>Rejected rows ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="115"/>
        <source>提示（{0}）</source>
        <translation>Notes ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="120"/>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="122"/>
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="123"/>
        <source>内容</source>
        <translation>Value</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/summary_view.py" line="124"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
</context>
<context>
    <name>TagDialog</name>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="120"/>
        <source>编辑标签</source>
        <translation>Edit tag</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="120"/>
        <source>新增标签</source>
        <translation>Add tag</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="125"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="126"/>
        <source>颜色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <location filename="../../ui/pages/lists_page.py" line="128"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>TagsDialog</name>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="221"/>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="233"/>
        <source>新标签名称（可选）</source>
        <translation>New tag name (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="235"/>
        <source>新建</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_actions.py" line="237"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>TemplatesDialog</name>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="432"/>
        <source>消息模板</source>
        <translation>Message templates</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="439"/>
        <source>可用占位符：{0}</source>
        <translation>Placeholders: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="442"/>
        <source>模板</source>
        <translation>Template</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="443"/>
        <source>内容</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages_page.py" line="447"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>TierDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="51"/>
        <source>编辑会员等级</source>
        <translation>Edit tier</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="51"/>
        <source>新增会员等级</source>
        <translation>New tier</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="58"/>
        <source>例如：金卡</source>
        <translation>e.g. Gold</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="67"/>
        <source>数字越大，等级越高</source>
        <translation>A higher number is a higher tier</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="83"/>
        <source>100% 为正常积分，150% 即 1.5 倍积分</source>
        <translation>100% earns normal points; 150% earns 1.5×</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="87"/>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="90"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="91"/>
        <source>排序</source>
        <translation>Rank</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="92"/>
        <source>升级条件</source>
        <translation>Reached by</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="94"/>
        <source>门槛（元）</source>
        <translation>Threshold (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="95"/>
        <source>积分倍数</source>
        <translation>Points ×</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="96"/>
        <source>颜色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="100"/>
        <source>减免</source>
        <translation>% off</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="104"/>
        <source>各类项目折扣</source>
        <translation>Discounts by category</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="106"/>
        <source>添加类别</source>
        <translation>Add category</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="109"/>
        <source>填写减免的百分比：95 折填 5。未列出的类别按“其他所有类别”。</source>
        <translation>Percent taken off: 5 for 5% off. Categories not listed use &quot;All other categories&quot;.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="125"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="133"/>
        <source>近 {0} 个月实付金额（不含赠送金）达到门槛即升级。</source>
        <translation>Reached when payments over {0} months (bonus value excluded) reach the threshold.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="134"/>
        <source>近 {0} 个月充值本金达到门槛即升级。</source>
        <translation>Reached when top-ups over {0} months reach the threshold.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="135"/>
        <source>不自动升级，只能由经理在患者资料中手动授予。</source>
        <translation>Never reached automatically: a manager gives it on the patient&apos;s record.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="140"/>
        <source>示例</source>
        <translation>Sample</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/tier_dialog.py" line="149"/>
        <source>门槛</source>
        <translation>Threshold</translation>
    </message>
</context>
<context>
    <name>TierOverrideDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="320"/>
        <source>调整会员等级</source>
        <translation>Set the tier</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="323"/>
        <source>无等级</source>
        <translation>No tier</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="328"/>
        <source>保留到</source>
        <translation>Hold until</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="335"/>
        <source>例如：老客户，院长特批</source>
        <translation>e.g. long-standing patient, approved by the director</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="336"/>
        <source>等级</source>
        <translation>Tier</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="338"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="339"/>
        <source>不勾选“保留到”时，夜间任务按消费情况照常升降级。</source>
        <translation>Without “Hold until” the nightly job moves the tier by spend as usual.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="341"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>TimeOffDialog</name>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="138"/>
        <source>请假 / 停诊</source>
        <translation>Time off</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="157"/>
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="157"/>
        <source>开始</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="158"/>
        <source>结束</source>
        <translation>End</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="158"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="159"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="162"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>TimeOffMovesDialog</name>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="48"/>
        <location filename="../../ui/calendar/time_off_moves.py" line="165"/>
        <source>14 天内没有空档</source>
        <translation>No free slot within 14 days</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="64"/>
        <source>请假期间的预约</source>
        <translation>Bookings during the time off</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="73"/>
        <source>这段时间里还有 {0} 个预约。</source>
        <translation>{0} bookings fall in this time.</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="77"/>
        <source>每个预约可改到下一个空档，或改给其他医生；勾选“通知”会在“消息”页留一条改约通知待发送。</source>
        <translation>Move each booking to the next free slot, or to another doctor. With Notify ticked, a rescheduling notice waits on the Messages page to be sent.</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="83"/>
        <source>原时间</source>
        <translation>Was</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="83"/>
        <source>患者</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="83"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="83"/>
        <source>改给</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="84"/>
        <source>新时间</source>
        <translation>New time</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="84"/>
        <source>通知</source>
        <translation>Notify</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="97"/>
        <source>全部改约</source>
        <translation>Move all</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="101"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="131"/>
        <source>在“消息”页留一条改约通知</source>
        <translation>Leave a rescheduling notice on the Messages page</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="135"/>
        <source>改约</source>
        <translation>Move</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/time_off_moves.py" line="190"/>
        <source>已改到 {0}</source>
        <translation>Moved to {0}</translation>
    </message>
</context>
<context>
    <name>TopUpDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="56"/>
        <source>储值充值</source>
        <translation>Top up stored value</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="60"/>
        <source>不使用方案（只充本金）</source>
        <translation>No plan (principal only)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="62"/>
        <source>{0}（充 {1} 送 {2}）</source>
        <translation>{0} (pay {1}, get {2} bonus)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="69"/>
        <source>当前储值 {0}（其中赠送 {1}）</source>
        <translation>Stored value now {0} (bonus {1})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="71"/>
        <source>充值方案</source>
        <translation>Plan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="72"/>
        <source>充值金额（元）</source>
        <translation>Amount (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="73"/>
        <source>赠送</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="74"/>
        <source>支付方式</source>
        <translation>Paid by</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="75"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="82"/>
        <source>充值</source>
        <translation>Top up</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="99"/>
        <source>送 {0}，单独记为赠送金</source>
        <translation>{0} bonus, kept apart</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="101"/>
        <source>需充值至少 {0} 才送 {1}</source>
        <translation>Top up at least {0} to get {1}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="105"/>
        <source>充值金额</source>
        <translation>Amount</translation>
    </message>
</context>
<context>
    <name>TopUpPlanDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="43"/>
        <source>编辑充值方案</source>
        <translation>Edit top-up plan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="43"/>
        <source>新增充值方案</source>
        <translation>New top-up plan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="47"/>
        <source>例如：充5000送500</source>
        <translation>e.g. Top up 5000, get 500</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="52"/>
        <source>启用（收银时可选）</source>
        <translation>Active (offered at the desk)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="54"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="55"/>
        <source>充值金额（元）</source>
        <translation>Top-up (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="56"/>
        <source>赠送金额（元）</source>
        <translation>Bonus (¥)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="63"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="68"/>
        <source>赠送金单独记账，退款只退本金。</source>
        <translation>The bonus is kept apart; refunds return the paid value only.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="70"/>
        <source>到账 {0}，赠送 {1}%</source>
        <translation>Credited {0}, bonus {1}%</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="74"/>
        <source>充值金额</source>
        <translation>Top-up</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_settings/offers.py" line="75"/>
        <source>赠送金额</source>
        <translation>Bonus</translation>
    </message>
</context>
<context>
    <name>TriggerDialog</name>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="201"/>
        <location filename="../../ui/pages/care_plan_steps.py" line="202"/>
        <source>选择触发项目</source>
        <translation>Choose trigger procedures</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="203"/>
        <source>完成所选项目的治疗后，按这个计划生成回访和复查任务。</source>
        <translation>Completing a treatment with a ticked procedure creates this plan&apos;s calls and recalls.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="223"/>
        <source>不在项目目录中</source>
        <translation>Not in the procedure list</translation>
    </message>
    <message>
        <location filename="../../ui/pages/care_plan_steps.py" line="228"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="28"/>
        <source>打开加密的诊所数据</source>
        <translation>Open encrypted clinic data</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="35"/>
        <source>请输入启动口令</source>
        <translation>Type the start-up passphrase</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="36"/>
        <source>这家诊所的数据已加密，密钥由启动口令保护。口令连续输错 3 次，程序将关闭。</source>
        <translation>This clinic&apos;s data is encrypted and its key is protected by a start-up passphrase. Three wrong tries close the app.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="38"/>
        <source>本机找不到数据库密钥</source>
        <translation>This PC has lost the database key</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="39"/>
        <source>这家诊所的数据已加密，但本机的密钥丢失了（换了电脑或重装了系统）。请输入建立诊所时打印的恢复密钥（11 组，每组 5 个字符，大小写和短横线都可以）。</source>
        <translation>This clinic&apos;s data is encrypted, but this PC has lost its key (a new PC or a re-installed system). Type the recovery key printed when the clinic was set up (11 groups of 5 characters; any case, dashes optional).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="46"/>
        <source>启动口令</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="50"/>
        <source>恢复密钥</source>
        <translation>Recovery key</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="54"/>
        <source>仅在本机无法保存密钥时需要</source>
        <translation>Only if this PC cannot keep the key</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="55"/>
        <source>新的启动口令</source>
        <translation>New passphrase</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="61"/>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="61"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/unlock_dialog.py" line="78"/>
        <source>口令不对（还可以再试 {0} 次）。</source>
        <translation>Wrong passphrase ({0} tries left).</translation>
    </message>
</context>
<context>
    <name>ValuesStep</name>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="51"/>
        <source>文件中每个项目名称和医生名称都对应到项目目录和员工名单；建议可以改。对应的项目决定回访计划，例如“种植”对应“种植牙”后才会生成种植牙随访。</source>
        <translation>Each procedure and doctor name in the file is matched to the catalogue and the staff list; change any suggestion. The matched procedure decides the care plan: 种植 starts the implant follow-up only once it is matched to 种植牙.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="57"/>
        <source>保存到方案…</source>
        <translation>Save to profile…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="63"/>
        <source>文件中的项目</source>
        <translation>Procedure in the file</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="63"/>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="66"/>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="69"/>
        <source>行数</source>
        <translation>Rows</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="63"/>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="66"/>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="69"/>
        <source>对应到</source>
        <translation>Becomes</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="63"/>
        <source>新增到类别</source>
        <translation>Category if new</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="64"/>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="66"/>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="69"/>
        <source>说明</source>
        <translation>Why</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="66"/>
        <source>文件中的医生</source>
        <translation>Doctor in the file</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="69"/>
        <source>文件中的会员等级</source>
        <translation>Tier in file</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="71"/>
        <source>治疗项目</source>
        <translation>Procedures</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="72"/>
        <source>医生</source>
        <translation>Doctors</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="73"/>
        <source>会员等级</source>
        <translation>Tiers</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="118"/>
        <source>治疗项目（{0}）</source>
        <translation>Procedures ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="119"/>
        <source>医生（{0}）</source>
        <translation>Doctors ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="120"/>
        <source>会员等级（{0}）</source>
        <translation>Tiers ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="131"/>
        <source> · 已停用</source>
        <translation> · inactive</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="135"/>
        <source>新增到项目目录：{0}</source>
        <translation>Add to the catalogue: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="136"/>
        <source>不关联项目目录（按原名导入）</source>
        <translation>Not linked (imported under its own name)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="141"/>
        <source>（仅手动授予）</source>
        <translation> (by hand only)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="145"/>
        <source>新建会员等级：{0}</source>
        <translation>New tier: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="146"/>
        <source>不导入会员等级</source>
        <translation>Do not import the tier</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="153"/>
        <source>（停用）</source>
        <translation> (inactive)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="157"/>
        <source>新建停用医生：{0}</source>
        <translation>New inactive doctor: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="158"/>
        <source>不关联（写入就诊备注）</source>
        <translation>Not linked (written into the visit notes)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="184"/>
        <source>手动选择</source>
        <translation>chosen by hand</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="249"/>
        <source>保存对应方案</source>
        <translation>Save mapping profile</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/import_wizard/values_step.py" line="250"/>
        <source>方案名称（列的对应和这里的选择一起保存）</source>
        <translation>Profile name (the columns and these choices are saved together)</translation>
    </message>
</context>
<context>
    <name>VoidCouponDialog</name>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="254"/>
        <source>作废优惠券</source>
        <translation>Void a coupon</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="256"/>
        <source>例如：发错了</source>
        <translation>e.g. issued by mistake</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="258"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/loyalty_actions.py" line="260"/>
        <source>作废</source>
        <translation>Void</translation>
    </message>
</context>
<context>
    <name>WaitlistAddDialog</name>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="381"/>
        <source>上午</source>
        <translation>Morning</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="382"/>
        <source>下午</source>
        <translation>Afternoon</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="383"/>
        <source>晚上</source>
        <translation>Evening</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="387"/>
        <source>加入候补：{0}</source>
        <translation>Waitlist: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="390"/>
        <source>任意医生</source>
        <translation>Any doctor</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="403"/>
        <source>例如：周三以后都可以，提前一天通知</source>
        <translation>e.g. any day after Wednesday, call a day ahead</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="404"/>
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="405"/>
        <source>可来时段</source>
        <translation>Can come</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="406"/>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="408"/>
        <source>加入候补</source>
        <translation>Add to waitlist</translation>
    </message>
</context>
<context>
    <name>WaitlistDialog</name>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="238"/>
        <source>上午</source>
        <translation>Morning</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="239"/>
        <source>下午</source>
        <translation>Afternoon</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="240"/>
        <source>晚上</source>
        <translation>Evening</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="244"/>
        <source>候补名单</source>
        <translation>Waitlist</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="249"/>
        <source>{0} 的时段空出来了，以下候补患者合适：</source>
        <translation>The {0} slot is free; these waiting patients fit:</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="260"/>
        <source>没有合适的候补患者。</source>
        <translation>No waiting patient fits.</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="261"/>
        <source>候补名单是空的。右键预约 → 加入候补，患者想提前时会列在这里。</source>
        <translation>The waitlist is empty. Right-click a booking → Add to waitlist: patients who want an earlier slot are listed here.</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="269"/>
        <source>标记为已安排</source>
        <translation>Mark as arranged</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="272"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="289"/>
        <source>请先选择一位候补患者。</source>
        <translation>Choose a waiting patient first.</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="290"/>
        <source>已安排</source>
        <translation>Arranged</translation>
    </message>
</context>
<context>
    <name>WeekGrid</name>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="192"/>
        <source>不出诊</source>
        <translation>Not working</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="247"/>
        <location filename="../../ui/calendar/week_grid.py" line="289"/>
        <source>{0} 个预约</source>
        <translation>{0} booked</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="276"/>
        <source>本周 {0}</source>
        <translation>This week: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="297"/>
        <source>…另有 {0} 个</source>
        <translation>…and {0} more</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="299"/>
        <source>没有预约</source>
        <translation>No bookings</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/week_grid.py" line="300"/>
        <source>双击打开这一天</source>
        <translation>Double-click to open this day</translation>
    </message>
</context>
<context>
    <name>WorkingHoursDialog</name>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="201"/>
        <source>出诊时间</source>
        <translation>Working hours</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="205"/>
        <source>医生</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="209"/>
        <source>例如 09:00-12:00, 13:30-18:00；空白表示不出诊</source>
        <translation>e.g. 09:00-12:00, 13:30-18:00; empty means not working</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="214"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/calendar/dialogs.py" line="229"/>
        <source>{0} 的时间 {1} 看不懂，请写成 09:00-12:00。</source>
        <translation>The hours {1} on {0} cannot be read; write them like 09:00-12:00.</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../ui/errors.py" line="25"/>
        <source>提示</source>
        <translation>Notice</translation>
    </message>
</context>
</TS>

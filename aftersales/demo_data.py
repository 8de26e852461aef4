"""The demo brand: master data and logins that ``seed_demo`` creates (api-contract.md fixes the codes and usernames)."""

from decimal import Decimal

REGIONS = [("R01", "华东大区"), ("R02", "华南大区"), ("R03", "华北大区")]

# code, name, region, kind, address, phone
STORES = [
    ("S001", "上海南京东路专卖店", "R01", "own", "上海市黄浦区南京东路 300 号", "021-63210001"),
    ("S002", "杭州湖滨专卖店", "R01", "franchise", "杭州市上城区湖滨路 22 号", "0571-87010002"),
    ("S003", "南京新街口专卖店", "R01", "own", "南京市秦淮区中山南路 1 号", "025-84710003"),
    ("S004", "苏州观前特约维修点", "R01", "repair_point", "苏州市姑苏区观前街 88 号", "0512-65210004"),
    ("S101", "广州天河城专卖店", "R02", "own", "广州市天河区天河路 208 号", "020-85590101"),
    ("S102", "深圳万象城专卖店", "R02", "dealer", "深圳市罗湖区宝安南路 1881 号", "0755-82660102"),
    ("S201", "北京三里屯专卖店", "R03", "own", "北京市朝阳区三里屯路 19 号", "010-64170201"),
    ("S202", "天津滨江道专卖店", "R03", "franchise", "天津市和平区滨江道 168 号", "022-27110202"),
]

# code, name, contact, phone, email
SUPPLIERS = [
    ("SUP01", "广州卡丰制衣有限公司", "陈志强", "020-36780001", "qa@kafeng.example.cn"),
    ("SUP02", "石狮华达服饰有限公司", "林海燕", "0595-88760002", "service@huada.example.cn"),
    ("SUP03", "宁波甬羊针织厂", "王建国", "0574-87650003", "wang@yongyang.example.cn"),
    ("SUP04", "晋江鸿星鞋业有限公司", "许文斌", "0595-85670004", "xu@hongxing.example.cn"),
]

# code, name, quality-return days, change-of-mind days, warranty months, paid repair
CATEGORIES = [
    ("JK", "夹克外套", 15, 7, 12, True),
    ("TS", "T恤衬衫", 15, 7, 6, False),
    ("KZ", "裤装", 15, 7, 12, True),
    ("ZZ", "针织毛衫", 15, 7, 12, True),
    ("XL", "鞋类", 15, 7, 6, True),
]

# style no, name, category, supplier, season, year, unit cost, retail price
STYLES = [
    ("226101JK001", "男士立领夹克", "JK", "SUP01", "spring", 2026, "268.00", "899.00"),
    ("226101JK002", "连帽防风外套", "JK", "SUP01", "autumn", 2026, "312.50", "1099.00"),
    ("225101JK015", "羽绒服", "JK", "SUP02", "winter", 2025, "455.00", "1599.00"),
    ("226201TS003", "印花圆领T恤", "TS", "SUP02", "summer", 2026, "48.00", "199.00"),
    ("226201TS008", "修身牛津纺衬衫", "TS", "SUP01", "spring", 2026, "86.00", "359.00"),
    ("226301KZ004", "弹力牛仔裤", "KZ", "SUP02", "all_year", 2026, "118.00", "459.00"),
    ("225301KZ011", "休闲束脚裤", "KZ", "SUP01", "autumn", 2025, "96.00", "399.00"),
    ("226401ZZ002", "羊毛混纺毛衣", "ZZ", "SUP03", "winter", 2026, "168.00", "699.00"),
    ("225401ZZ006", "针织开衫", "ZZ", "SUP03", "autumn", 2025, "142.00", "599.00"),
    ("226501XL001", "休闲板鞋", "XL", "SUP04", "all_year", 2026, "155.00", "599.00"),
    ("226501XL007", "复古跑鞋", "XL", "SUP04", "spring", 2026, "188.00", "699.00"),
]

# code, Chinese name, English name, category (or None), default responsibility hint
DEFECT_CODES = [
    ("D01", "开线", "Seam opening", None, "supplier"),
    ("D02", "褪色掉色", "Colour fading or bleeding", None, "supplier"),
    ("D03", "起球", "Pilling", None, "supplier"),
    ("D04", "拉链损坏", "Zip failure", None, "supplier"),
    ("D05", "纽扣脱落", "Button came off", None, "supplier"),
    ("D06", "面料破洞", "Hole in fabric", None, "supplier"),
    ("D07", "污渍", "Stain or dirt", None, "store"),
    ("D08", "人为破损", "Human damage", None, "store"),
    ("D09", "缩水变形", "Shrinkage or deformation", None, "supplier"),
    ("D10", "色差", "Colour difference", None, "supplier"),
    ("D11", "洗涤保养不当", "Improper washing or care", None, "customer"),
    ("D12", "鞋底开胶", "Sole separation", "XL", "supplier"),
    ("D13", "印花脱落", "Print peeling", "TS", "supplier"),
]

# part no, name, unit, unit cost, stock, reorder level
SPARE_PARTS = [
    ("P-ZIP-5", "5号金属拉链", "条", Decimal("6.50"), 240, 50),
    ("P-ZIP-3", "3号尼龙拉链", "条", Decimal("2.80"), 35, 40),
    ("P-BTN-18", "18mm 树脂纽扣", "粒", Decimal("0.60"), 1200, 200),
    ("P-SNAP-15", "15mm 四合扣", "套", Decimal("1.20"), 400, 100),
    ("P-THR-40", "40支涤纶缝纫线", "卷", Decimal("4.00"), 90, 20),
    ("P-LIN-01", "里布（米）", "米", Decimal("12.00"), 60, 15),
    ("P-GLUE-01", "鞋用强力胶", "支", Decimal("8.50"), 12, 10),
    ("P-LBL-01", "洗水唛", "个", Decimal("0.30"), 2000, 300),
]

# username, full name, roles, stores, regions, suppliers, superuser
ACCOUNTS = [
    ("store1", "张敏（南京东路店）", ["store_staff"], ["S001"], [], [], False),
    ("store2", "李娜（湖滨店）", ["store_staff"], ["S002"], [], [], False),
    ("store101", "黄伟（天河城店）", ["store_staff"], ["S101"], [], [], False),
    ("region1", "周涛（华东大区）", ["region_manager"], [], ["R01"], [], False),
    ("tech1", "刘洋（售后服务部）", ["technician"], [], [], [], False),
    ("tech2", "赵磊（售后服务部）", ["technician"], [], [], [], False),
    ("hotline1", "孙丽（服务热线）", ["hotline_agent"], [], [], [], False),
    ("qa1", "吴静（QA管理部）", ["qa_manager"], [], [], [], False),
    ("logistics1", "郑斌（物流部经理）", ["logistics_manager"], [], [], [], False),
    ("vp1", "钱国华（生产副总）", ["production_vp"], [], [], [], False),
    ("finance1", "冯晓（财务部）", ["finance"], [], [], [], False),
    ("supplier1", "陈志强（卡丰制衣）", ["supplier_user"], [], [], ["SUP01"], False),
    ("admin", "系统管理员", [], [], [], [], True),
]

# The store's designated after-sales contact (指定对接人).
STORE_CONTACTS = {"S001": "store1", "S002": "store2", "S101": "store101"}

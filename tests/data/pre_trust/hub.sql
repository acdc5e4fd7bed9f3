--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: hub_entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hub_entries (
    uuid uuid NOT NULL,
    station_id text NOT NULL,
    station_seq bigint NOT NULL,
    station text NOT NULL,
    at text NOT NULL,
    kind text NOT NULL,
    session_id text NOT NULL,
    attendee_id text,
    badge_id bigint,
    operator text NOT NULL,
    outcome text,
    ref text,
    batch text,
    data text NOT NULL,
    received_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


--
-- Name: hub_forgotten; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hub_forgotten (
    station_id text NOT NULL,
    forgotten_at timestamp with time zone NOT NULL
);


--
-- Name: hub_meta; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hub_meta (
    key text NOT NULL,
    value text NOT NULL
);


--
-- Name: hub_stations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hub_stations (
    station_id text NOT NULL,
    name text NOT NULL,
    last_seen timestamp with time zone NOT NULL,
    station_clock timestamp with time zone NOT NULL,
    skew_ms bigint,
    held bigint NOT NULL,
    waiting bigint NOT NULL,
    receive text NOT NULL,
    release text NOT NULL,
    former text DEFAULT '[]'::text NOT NULL,
    refill_done bigint,
    refill_total bigint
);


--
-- Name: hub_streams; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hub_streams (
    station_id text NOT NULL,
    head bigint NOT NULL
);


--
-- Data for Name: hub_entries; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hub_entries VALUES ('01a25224-4c8f-715e-933b-65db4b13e458', '01a25224-4c8a-708e-8934-5f9334b76677', 1, 'vm', '2024-11-03T23:30:00.000003+00:00', 'event', '', NULL, NULL, '', NULL, NULL, NULL, '{"event":{"event":{"checkin_opens_minutes":60,"city":"Beijing","city_zh":"北京","date":"2024-11-04","id":"cleantech-forum-2024","name":"2024 U.S.–China Cleantech Cooperation Forum","name_zh":"2024中美清洁技术合作论坛","timezone":"Asia/Shanghai","venue":"Beijing International Hotel","venue_zh":"北京国际饭店"},"matchmaking":{"no_show_minutes":10,"session":"matchmaking","slot_minutes":20,"tables":["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17","18","19","20"]},"sessions":[{"access":"everyone","capacity":600,"end":"2024-11-04T10:30:00+08:00","id":"opening","reentry":true,"room":"Grand Ballroom, 2F","room_zh":"二层大宴会厅","start":"2024-11-04T09:00:00+08:00","title":"Opening Plenary","title_zh":"开幕全体大会"},{"access":"everyone","capacity":250,"end":"2024-11-04T12:15:00+08:00","id":"energy-transition","reentry":true,"room":"Room A, 3F","room_zh":"三层A厅","start":"2024-11-04T10:45:00+08:00","title":"Energy Transition Sub-forum","title_zh":"能源转型分论坛"},{"access":"everyone","capacity":250,"end":"2024-11-04T12:15:00+08:00","id":"green-finance","reentry":true,"room":"Room B, 3F","room_zh":"三层B厅","start":"2024-11-04T10:45:00+08:00","title":"Green Finance & Climate Investment Sub-forum","title_zh":"绿色金融与气候投资分论坛"},{"access":"everyone","capacity":500,"end":"2024-11-04T16:30:00+08:00","id":"showcase","reentry":true,"room":"Exhibition Hall, 1F","room_zh":"一层展厅","start":"2024-11-04T13:30:00+08:00","title":"U.S. Cleantech Showcase","title_zh":"美国清洁技术展示会"},{"access":"registered","capacity":120,"end":"2024-11-04T17:30:00+08:00","id":"matchmaking","reentry":true,"room":"Meeting Rooms 5–8, 5F","room_zh":"五层5–8号会议室","start":"2024-11-04T14:00:00+08:00","title":"One-on-One Business Matchmaking","title_zh":"一对一商务对接会"}],"ticket_types":{"Exhibitor":["opening","showcase"],"Full Forum":["opening","energy-transition","green-finance","showcase"],"Full Forum + Matchmaking":["opening","energy-transition","green-finance","showcase","matchmaking"],"Plenary Only":["opening"],"Press":["opening","energy-transition","green-finance","showcase"]}},"public_key":"a8b3184caf10bafd85c800e4ed2c592aa2a42b35bbf98dedfe1cadeb424ae06c"}', '2026-12-07 20:14:05.43879+00');
INSERT INTO public.hub_entries VALUES ('01a25224-4c94-7081-9eca-317b120f922b', '01a25224-4c8a-708e-8934-5f9334b76677', 2, 'vm', '2024-11-03T23:30:00.062499+00:00', 'import', '', NULL, NULL, '', NULL, NULL, '01a25224-4c94-7080-81f5-d6c1d4d89017', '{"cols":["name","name_zh","organization","organization_zh","title","email","phone","category","delegation","notes","attention","external_id","sessions","ticket"],"new":[["Y99EDD1R","Chen Jie","陈杰","China Huaneng Group","中国华能集团有限公司","副总裁","jie.chen@chng.com.cn","+86 157 1614 2408","delegate","China","",false,"CTF24-00001",["opening","green-finance","showcase","matchmaking"],""],["CMK9W39Q","Zhu Fang","朱芳","China Huaneng Group","中国华能集团有限公司","Program Manager","fang.zhu@chng.com.cn","+86 158 1763 3181","delegate","China","",false,"CTF24-00002",["opening","energy-transition","showcase"],""],["1JKA792G","Zhou Xiuying","周秀英","LONGi Green Energy","隆基绿能科技股份有限公司","项目经理","xiuying.zhou@longi.com","+86 138 1976 4374","speaker","China","",false,"CTF24-00003",["opening","energy-transition","showcase","matchmaking"],""],["T898PBSK","Thomas Hall","","Pacific Northwest National Laboratory","西北太平洋国家实验室","Director","thomas.hall@pnnl.gov","+1 508-737-9111","staff","United States","",false,"CTF24-00004",["opening","energy-transition","showcase","matchmaking"],""],["324JZ41B","Zhang Min","张敏","LONGi Green Energy","隆基绿能科技股份有限公司","总监","min.zhang@longi.com","+86 139 6140 6572","delegate","China","",false,"CTF24-00005",["opening","green-finance","showcase"],""],["JNESVJFR","Thomas Williams","","U.S.-China Clean Energy Research Center","中美清洁能源联合研究中心","Vice President","thomas.williams@us-china-cerc.org","+1 518-862-8301","delegate","United States","",false,"CTF24-00006",["opening","energy-transition","showcase","matchmaking"],""],["X07DJ13N","James Harris","詹姆斯·哈里斯","Form Energy","Form能源公司","Chief Executive Officer","james.harris@formenergy.com","+1 333-956-5056","speaker","United States","",false,"CTF24-00007",["opening","energy-transition","showcase","matchmaking"],""],["6T0YEKQN","Yang Tao","杨涛","Tsinghua University","清华大学","政策顾问","tao.yang@tsinghua.edu.cn","+86 178 4780 3472","delegate","China","",false,"CTF24-00008",["opening","green-finance","showcase"],""],["2R4SJM6R","James Clark","","Breakthrough Energy Ventures","突破能源风险投资","Chief Executive Officer","james.clark@b-t.energy","+1 579-824-6220","exhibitor","United States","",false,"CTF24-00009",["opening","energy-transition","showcase","matchmaking"],""],["DDQG6STT","Gao Haiyan","高海燕","State Grid Corporation of China","国家电网有限公司","Research Fellow","haiyan.gao@sgcc.com.cn","+86 191 7560 2019","delegate","China","",false,"CTF24-00010",["opening","green-finance","showcase"],""],["7M8Y42WF","Liu Yong","刘勇","China Huaneng Group","中国华能集团有限公司","总监","yong.liu@chng.com.cn","+86 139 4407 7164","vip","China","",true,"CTF24-00011",["opening","energy-transition","showcase","matchmaking"],""],["HMBKHXYS","Sun Zhiqiang","孙志强","China Huaneng Group","中国华能集团有限公司","Head of Business Development","zhiqiang.sun@chng.com.cn","+86 148 2674 6613","speaker","China","",false,"CTF24-00012",["opening","green-finance","showcase"],""],["1XPATJH6","Daniel Smith","丹尼尔·史密斯","Stanford University","斯坦福大学","Research Fellow","daniel.smith@stanford.edu","+1 506-858-2491","delegate","United States","",false,"CTF24-00013",["opening","energy-transition","showcase"],""],["J39TS55F","Yang Jun","杨军","China Council for the Promotion of International Trade","中国国际贸易促进委员会","研究员","jun.yang@ccpit.org","+86 154 4922 7564","delegate","China","",false,"CTF24-00014",["opening","green-finance","showcase"],""],["Y8FV2Z13","","孙国栋","State Grid Corporation of China","国家电网有限公司","业务拓展负责人","guodong.sun@sgcc.com.cn","+86 174 8327 6726","delegate","China","",false,"CTF24-00015",["opening","green-finance","showcase","matchmaking"],""],["M4WJCC2S","Zhao Ming","赵明","CATL","宁德时代新能源科技股份有限公司","项目经理","ming.zhao@catl.com","+86 140 2964 7365","delegate","China","",false,"CTF24-00016",["opening","energy-transition","showcase"],""],["JPG9YXNN","Yang Juan","杨娟","China Three Gorges Corporation","中国长江三峡集团有限公司","政策顾问","juan.yang@ctg.com.cn","+86 150 3785 3081","speaker","China","Invoice pending: send to finance desk",false,"CTF24-00017",["opening","green-finance","showcase"],""],["1ZS9T3D9","John Young","","Generate Capital","Generate资本","Investment Manager","john.young@generatecapital.com","+1 335-221-1233","delegate","United States","",false,"CTF24-00018",["opening","energy-transition","showcase"],""],["JP9VT16F","Song Yuhang","宋宇航","CATL","宁德时代新能源科技股份有限公司","Senior Engineer","yuhang.song@catl.com","+86 160 6341 5249","delegate","China","",false,"CTF24-00019",["opening","energy-transition","showcase","matchmaking"],""],["1HJRSPGM","Song Jun","宋军","BYD Company","比亚迪股份有限公司","研究员","jun.song@byd.com","+86 146 9713 3487","delegate","China","",true,"CTF24-00020",["opening","green-finance","showcase"],""]]}', '2026-12-07 20:14:05.43879+00');
INSERT INTO public.hub_entries VALUES ('01a25224-4c95-7021-b194-a6db0ff5c6f8', '01a25224-4c8a-708e-8934-5f9334b76677', 3, 'vm', '2024-11-03T23:30:00.062499+00:00', 'import_commit', '', NULL, NULL, '', NULL, NULL, '01a25224-4c94-7080-81f5-d6c1d4d89017', '{"inserted":20,"rows":20,"source":"demo","updated":0}', '2026-12-07 20:14:05.43879+00');
INSERT INTO public.hub_entries VALUES ('01a25224-4ca5-71fb-8462-8f2b87d16f99', '01a25224-4c8a-708e-8934-5f9334b76677', 4, 'vm', '2024-11-03T23:30:00.079350+00:00', 'badge_issue', '', NULL, NULL, '', NULL, NULL, NULL, '{"badges":[[62229679168205,"Y99EDD1R",1],[156684901996465,"CMK9W39Q",1],[37485866686156,"1JKA792G",1],[117975405548951,"T898PBSK",1],[152188490737317,"324JZ41B",1],[160696707293633,"JNESVJFR",1],[157699639126585,"X07DJ13N",1],[191967068530736,"6T0YEKQN",1],[29004690363788,"2R4SJM6R",1],[160780303712146,"DDQG6STT",1],[52882381460808,"7M8Y42WF",1],[27424965620228,"HMBKHXYS",1],[200439886314282,"1XPATJH6",1],[158853930086456,"J39TS55F",1],[174234194281909,"Y8FV2Z13",1],[139729055626720,"M4WJCC2S",1],[149665352692053,"JPG9YXNN",1],[218770290684031,"1ZS9T3D9",1],[131053686354672,"JP9VT16F",1],[259925345788370,"1HJRSPGM",1]]}', '2026-12-07 20:14:05.43879+00');
INSERT INTO public.hub_entries VALUES ('01a25224-4cb3-707c-8242-0ae968d4d9a4', '01a25224-4c8a-708e-8934-5f9334b76677', 5, 'vm', '2024-11-03T23:30:00.093096+00:00', 'meeting_schedule', '', NULL, NULL, '', NULL, NULL, '01a25224-4cb3-707b-b4cc-0b585b87ea64', '{"meetings":[{"end":"2024-11-04T06:20:00.000000+00:00","id":"MM-01","interpreter":["","Emily Chen 陈艾米"],"languages":"en-zh","parties":[["X07DJ13N","Form Energy","Form能源公司"],["1JKA792G","LONGi Green Energy","隆基绿能科技股份有限公司"]],"slot":1,"source":"demo schedule","start":"2024-11-04T06:00:00.000000+00:00","table":"1"},{"end":"2024-11-04T06:20:00.000000+00:00","id":"MM-02","interpreter":["",""],"languages":"","parties":[["JNESVJFR","U.S.-China Clean Energy Research Center","中美清洁能源联合研究中心"],["Y99EDD1R","China Huaneng Group","中国华能集团有限公司"]],"slot":1,"source":"demo schedule","start":"2024-11-04T06:00:00.000000+00:00","table":"2"},{"end":"2024-11-04T06:20:00.000000+00:00","id":"MM-03","interpreter":["",""],"languages":"","parties":[["2R4SJM6R","Breakthrough Energy Ventures","突破能源风险投资"],["7M8Y42WF","China Huaneng Group","中国华能集团有限公司"]],"slot":1,"source":"demo schedule","start":"2024-11-04T06:00:00.000000+00:00","table":"3"},{"end":"2024-11-04T06:40:00.000000+00:00","id":"MM-04","interpreter":["","李娜 Li Na"],"languages":"en-zh","parties":[["X07DJ13N","Form Energy","Form能源公司"],["Y8FV2Z13","State Grid Corporation of China","国家电网有限公司"]],"slot":2,"source":"demo schedule","start":"2024-11-04T06:20:00.000000+00:00","table":"5"},{"end":"2024-11-04T06:40:00.000000+00:00","id":"MM-05","interpreter":["",""],"languages":"","parties":[["JNESVJFR","U.S.-China Clean Energy Research Center","中美清洁能源联合研究中心"],["JP9VT16F","CATL","宁德时代新能源科技股份有限公司"]],"slot":2,"source":"demo schedule","start":"2024-11-04T06:20:00.000000+00:00","table":"6"},{"end":"2024-11-04T06:40:00.000000+00:00","id":"MM-06","interpreter":["",""],"languages":"","parties":[["2R4SJM6R","Breakthrough Energy Ventures","突破能源风险投资"],["1JKA792G","LONGi Green Energy","隆基绿能科技股份有限公司"]],"slot":2,"source":"demo schedule","start":"2024-11-04T06:20:00.000000+00:00","table":"7"},{"end":"2024-11-04T07:00:00.000000+00:00","id":"MM-07","interpreter":["","David Zhou 周大卫"],"languages":"en-zh","parties":[["X07DJ13N","Form Energy","Form能源公司"],["Y99EDD1R","China Huaneng Group","中国华能集团有限公司"]],"slot":3,"source":"demo schedule","start":"2024-11-04T06:40:00.000000+00:00","table":"9"},{"end":"2024-11-04T07:00:00.000000+00:00","id":"MM-08","interpreter":["",""],"languages":"","parties":[["JNESVJFR","U.S.-China Clean Energy Research Center","中美清洁能源联合研究中心"],["7M8Y42WF","China Huaneng Group","中国华能集团有限公司"]],"slot":3,"source":"demo schedule","start":"2024-11-04T06:40:00.000000+00:00","table":"10"},{"end":"2024-11-04T07:00:00.000000+00:00","id":"MM-09","interpreter":["",""],"languages":"","parties":[["2R4SJM6R","Breakthrough Energy Ventures","突破能源风险投资"],["Y8FV2Z13","State Grid Corporation of China","国家电网有限公司"]],"slot":3,"source":"demo schedule","start":"2024-11-04T06:40:00.000000+00:00","table":"11"},{"end":"2024-11-04T07:20:00.000000+00:00","id":"MM-10","interpreter":["","王芳 Wang Fang"],"languages":"en-zh","parties":[["X07DJ13N","Form Energy","Form能源公司"],["JP9VT16F","CATL","宁德时代新能源科技股份有限公司"]],"slot":4,"source":"demo schedule","start":"2024-11-04T07:00:00.000000+00:00","table":"13"},{"end":"2024-11-04T07:20:00.000000+00:00","id":"MM-11","interpreter":["",""],"languages":"","parties":[["JNESVJFR","U.S.-China Clean Energy Research Center","中美清洁能源联合研究中心"],["1JKA792G","LONGi Green Energy","隆基绿能科技股份有限公司"]],"slot":4,"source":"demo schedule","start":"2024-11-04T07:00:00.000000+00:00","table":"14"},{"end":"2024-11-04T07:20:00.000000+00:00","id":"MM-12","interpreter":["",""],"languages":"","parties":[["2R4SJM6R","Breakthrough Energy Ventures","突破能源风险投资"],["Y99EDD1R","China Huaneng Group","中国华能集团有限公司"]],"slot":4,"source":"demo schedule","start":"2024-11-04T07:00:00.000000+00:00","table":"15"},{"end":"2024-11-04T07:40:00.000000+00:00","id":"MM-13","interpreter":["","Emily Chen 陈艾米"],"languages":"en-zh","parties":[["X07DJ13N","Form Energy","Form能源公司"],["7M8Y42WF","China Huaneng Group","中国华能集团有限公司"]],"slot":5,"source":"demo schedule","start":"2024-11-04T07:20:00.000000+00:00","table":"17"},{"end":"2024-11-04T07:40:00.000000+00:00","id":"MM-14","interpreter":["",""],"languages":"","parties":[["JNESVJFR","U.S.-China Clean Energy Research Center","中美清洁能源联合研究中心"],["Y8FV2Z13","State Grid Corporation of China","国家电网有限公司"]],"slot":5,"source":"demo schedule","start":"2024-11-04T07:20:00.000000+00:00","table":"18"},{"end":"2024-11-04T07:40:00.000000+00:00","id":"MM-15","interpreter":["",""],"languages":"","parties":[["2R4SJM6R","Breakthrough Energy Ventures","突破能源风险投资"],["JP9VT16F","CATL","宁德时代新能源科技股份有限公司"]],"slot":5,"source":"demo schedule","start":"2024-11-04T07:20:00.000000+00:00","table":"19"}]}', '2026-12-07 20:14:05.43879+00');
INSERT INTO public.hub_entries VALUES ('01a25224-4cb6-715a-bb78-2271ba5199a2', '01a25224-4c8a-708e-8934-5f9334b76677', 6, 'vm', '2024-11-03T23:30:00.093096+00:00', 'import_commit', '', NULL, NULL, '', NULL, NULL, '01a25224-4cb3-707b-b4cc-0b585b87ea64', '{"cancelled":0,"meetings":15,"source":"demo schedule","what":"meetings"}', '2026-12-07 20:14:05.43879+00');
INSERT INTO public.hub_entries VALUES ('01a25224-51c7-70be-995a-484af7773ae3', '01a25224-4c8a-708e-8934-5f9334b76677', 7, 'Desk', '2024-11-04T01:01:00.000969+00:00', 'entry', 'opening', '1HJRSPGM', NULL, '', 'admitted', NULL, NULL, '{"method":"search"}', '2026-12-07 20:14:05.43879+00');
INSERT INTO public.hub_entries VALUES ('01a25224-56fc-7000-aa58-c1f0dac12b4f', '01a25224-4c8a-708e-8934-5f9334b76677', 8, 'Desk', '2024-11-04T01:01:00.000913+00:00', 'entry', 'opening', '1JKA792G', NULL, '', 'admitted', NULL, NULL, '{"method":"search"}', '2026-12-07 20:14:05.43879+00');
INSERT INTO public.hub_entries VALUES ('01a25224-674d-71de-9430-34c9ebe23eaf', '01a25224-6427-705d-b177-19b559502c39', 1, 'Door A', '2024-11-04T01:05:00.000755+00:00', 'entry', 'opening', '1XPATJH6', NULL, '', 'admitted', NULL, NULL, '{"method":"search"}', '2026-12-07 20:14:08.882008+00');
INSERT INTO public.hub_entries VALUES ('01a25224-6a74-7169-a965-a6e90958654f', '01a25224-6427-705d-b177-19b559502c39', 2, 'Door A', '2024-11-04T01:05:00.000777+00:00', 'entry', 'opening', '1ZS9T3D9', NULL, '', 'admitted', NULL, NULL, '{"method":"search"}', '2026-12-07 20:14:08.882008+00');


--
-- Data for Name: hub_forgotten; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: hub_meta; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hub_meta VALUES ('hub_id', '49524f85-63e3-4b34-bcfa-f5e0a3f9fd81');
INSERT INTO public.hub_meta VALUES ('schema_version', '2');
INSERT INTO public.hub_meta VALUES ('event_id', 'cleantech-forum-2024');
INSERT INTO public.hub_meta VALUES ('public_key', 'a8b3184caf10bafd85c800e4ed2c592aa2a42b35bbf98dedfe1cadeb424ae06c');


--
-- Data for Name: hub_stations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hub_stations VALUES ('01a25224-6427-705d-b177-19b559502c39', 'Door A', '2026-12-07 20:14:08.884831+00', '2026-12-07 20:14:08.881255+00', 0, 10, 0, 'all', '0.1.0', '[]', NULL, NULL);
INSERT INTO public.hub_stations VALUES ('01a25224-4c8a-708e-8934-5f9334b76677', 'Desk', '2026-12-07 20:14:09.793014+00', '2026-12-07 20:14:09.789989+00', 0, 10, 0, 'all', '0.1.0', '[]', NULL, NULL);


--
-- Data for Name: hub_streams; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hub_streams VALUES ('01a25224-4c8a-708e-8934-5f9334b76677', 8);
INSERT INTO public.hub_streams VALUES ('01a25224-6427-705d-b177-19b559502c39', 2);


--
-- Name: hub_entries hub_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hub_entries
    ADD CONSTRAINT hub_entries_pkey PRIMARY KEY (uuid);


--
-- Name: hub_entries hub_entries_station_id_station_seq_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hub_entries
    ADD CONSTRAINT hub_entries_station_id_station_seq_key UNIQUE (station_id, station_seq);


--
-- Name: hub_forgotten hub_forgotten_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hub_forgotten
    ADD CONSTRAINT hub_forgotten_pkey PRIMARY KEY (station_id);


--
-- Name: hub_meta hub_meta_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hub_meta
    ADD CONSTRAINT hub_meta_pkey PRIMARY KEY (key);


--
-- Name: hub_stations hub_stations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hub_stations
    ADD CONSTRAINT hub_stations_pkey PRIMARY KEY (station_id);


--
-- Name: hub_streams hub_streams_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hub_streams
    ADD CONSTRAINT hub_streams_pkey PRIMARY KEY (station_id);


--
-- PostgreSQL database dump complete
--



-- education: one row per education programme as a source names it (level × track/profile/sector).
-- education (nl): één rij per opleiding zoals de bron haar noemt (niveau × sector/profiel).
-- education (titel): Opleidingen
create table education (
    education_id varchar,       -- e.g. 'vo:VMBO K - techniek'
    level varchar,              -- vmbo | havo | vwo | mbo | hbo | wo
    leerweg varchar,            -- vmbo: B, K, G, T, LWT; else null
    track varchar,              -- vmbo sector, havo/vwo profile (combination), mbo sector, CROHO onderdeel
    source_label varchar,       -- the programme name exactly as the source writes it
    is_technical boolean,
    technical_rule varchar      -- the documented rule that decided is_technical
);
